package dev.baton.engine.tensor;

/**
 * A weight matrix of {@link #rows()} × {@link #cols()} in one {@link WeightFormat}, multiplied by batches of activation
 * rows.
 *
 * <p>{@code multiply} computes, for b &lt; batch and r &lt; rows, {@code out[b*rows + r] = Σ_c W[r][c] · x[b*cols + c]},
 * after converting each x row to the type's partner format (see the package documentation). Every output value is
 * computed in a fixed order, so it is bit-identical whatever {@code batch}, the other rows of x, and the pool's thread
 * count; {@link #multiplyReference} is a plain scalar kernel that produces exactly the same bits.
 */
public interface WeightMatrix {
    GgmlType type();

    int rows();

    int cols();

    /**
     * {@code out[b*rows + r] = Σ_c W[r][c] · x[b*cols + c]} for b &lt; batch, using {@code pool}'s threads. Reads each
     * weight once for the whole batch and allocates nothing once warmed up (scratch is reused per thread).
     */
    void multiply(float[] x, int batch, float[] out, ComputePool pool);

    /** Same contract and same bits as {@link #multiply}, computed by a plain scalar loop (for tests and checks). */
    void multiplyReference(float[] x, int batch, float[] out);

    /** Writes row {@code row} as floats to {@code dst[dstOff .. dstOff+cols)} (embedding lookup). */
    void dequantizeRow(int row, float[] dst, int dstOff);
}
