package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The plain floating-point weight types (F32, F16, BF16). Their partner activation format is the same type: each
 * activation is rounded to it (F32: unchanged), products are exact in float, and sums follow {@link LaneOrder}.
 */
abstract class FloatingFormat implements WeightFormat {
    /** Rounds {@code src[srcOff..srcOff+n)} to this type's precision into {@code dst[dstOff..]}. */
    abstract void roundActivations(float[] src, int srcOff, float[] dst, int dstOff, int n);

    /** True when {@link #roundActivations} changes nothing (F32), so activations need no conversion. */
    boolean activationsExact() {
        return false;
    }

    @Override
    public WeightMatrix matrix(MemorySegment data, int rows, int cols) {
        return new FloatingMatrix(this, data, rows, cols);
    }
}
