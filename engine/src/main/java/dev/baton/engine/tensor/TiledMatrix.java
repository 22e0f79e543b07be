package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * What every weight matrix shares: shape checks, and a multiply that converts the activations once on the calling
 * thread and then spreads tiles of rows over the pool. Subclasses provide the conversion and the tile kernel.
 */
abstract class TiledMatrix implements WeightMatrix {
    final WeightFormat format;
    final MemorySegment data;
    final int rows;
    final int cols;
    final long rowBytes;

    TiledMatrix(WeightFormat format, MemorySegment data, int rows, int cols) {
        this.format = Objects.requireNonNull(format, "format");
        this.data = Objects.requireNonNull(data, "data");
        GgmlType type = format.type();
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(type + " matrix needs positive rows and cols, got " + rows + " x " + cols);
        }
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " rows must be a multiple of " + type.blockSize()
                    + " elements, got " + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = type.byteSize(cols);
        long needed = Math.multiplyExact(rowBytes, (long) rows);
        if (data.byteSize() < needed) {
            throw new IllegalArgumentException(type + " matrix " + rows + " x " + cols + " needs " + needed
                    + " bytes, the segment has " + data.byteSize());
        }
    }

    @Override
    public final GgmlType type() {
        return format.type();
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOff) {
        Objects.checkIndex(row, rows);
        Objects.checkFromIndexSize(dstOff, cols, dst.length);
        format.dequantize(data, row * rowBytes, dst, dstOff, cols);
    }

    @Override
    public final void multiply(float[] x, int batch, float[] out, ComputePool pool) {
        checkOperands(x, batch, out);
        Objects.requireNonNull(pool, "pool");
        if (batch == 0) {
            return;
        }
        Scratch scratch = Scratch.current();
        MatmulJob job = scratch.job;
        if (job.matrix != null) {
            throw new IllegalStateException("multiply called re-entrantly on one thread");
        }
        prepareActivations(x, batch, job, scratch);
        job.matrix = this;
        job.batch = batch;
        job.out = out;
        try {
            pool.parallelFor(tileCount(), job);
        } finally {
            job.clear();
        }
    }

    final void checkOperands(float[] x, int batch, float[] out) {
        if (batch < 0) {
            throw new IllegalArgumentException("batch must not be negative, got " + batch);
        }
        if (x.length < (long) batch * cols) {
            throw new IllegalArgumentException("x holds " + x.length + " floats, a batch of " + batch + " rows of "
                    + cols + " needs " + (long) batch * cols);
        }
        if (out.length < (long) batch * rows) {
            throw new IllegalArgumentException("out holds " + out.length + " floats, a batch of " + batch
                    + " outputs of " + rows + " needs " + (long) batch * rows);
        }
    }

    /** Converts x to the partner format into {@code job}'s activation fields (scratch owned by the calling thread). */
    abstract void prepareActivations(float[] x, int batch, MatmulJob job, Scratch scratch);

    /** Number of independent row tiles the multiply is split into. */
    abstract int tileCount();

    /** Computes every output of tiles {@code [from, to)} for the whole batch. */
    abstract void runTiles(MatmulJob job, int from, int to, Scratch scratch);
}
