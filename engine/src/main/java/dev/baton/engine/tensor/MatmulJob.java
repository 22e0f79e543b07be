package dev.baton.engine.tensor;

/**
 * One multiply in flight, handed to the pool's threads: the matrix, the activations already converted to its partner
 * format, and the output. Reused per calling thread so dispatching allocates nothing.
 */
final class MatmulJob implements ComputePool.RangeTask {
    TiledMatrix matrix;
    float[] activations;
    /**
     * The same activations as shorts, for kernels that multiply in 16-bit lanes (null when unused); some kernels
     * store them in their own order ({@link Q6_KDecodeKernel#arrangeActivations}).
     */
    short[] activationShorts;
    float[] activationScales;
    int[] activationSums;
    /** Per activation block, the packed 16-bit centre corrections of the nibble kernel (null when unused). */
    int[] activationHalfSums;
    float[] activationBlockSums;
    int activationStride;
    /** Activations are laid out for the batch-lane (prefill) kernel rather than one row after another. */
    boolean panel;
    int batch;
    float[] out;

    @Override
    public void run(int from, int to) {
        matrix.runTiles(this, from, to, Scratch.current());
    }

    void clear() {
        matrix = null;
        activations = null;
        activationShorts = null;
        activationScales = null;
        activationSums = null;
        activationHalfSums = null;
        activationBlockSums = null;
        out = null;
    }
}
