package dev.baton.engine.tensor;

import static dev.baton.engine.tensor.LaneFold.*;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 / F16 / BF16 weights, multiplied by a register-tiled kernel that takes four weight rows at a time with up to four
 * activation rows at once, following {@link LaneOrder}.
 *
 * <p>The kernel reads weight rows through a {@link MemorySegment}. F32 rows whose length is a whole number of vectors
 * are read straight from the mapped file: copying each tile to scratch first was a second pass over every weight, and
 * on a thread bound by memory latency the copy's stalls do not overlap the products (one thread, all products of a
 * llama-110m step: 10-25 % less CPU at batch 1, 10-20 % at batch 16). F16 and BF16 rows (and F32 rows that need
 * padding) are decoded into per-thread float scratch, padded with zeros to whole vectors, which the kernel reads
 * through a segment view of the array. C2 compiles the kernel's loads for the segment kinds it has seen: one kind per
 * JVM (a model of F32 or of F16/BF16 matrices) runs at full speed, a JVM that multiplies both mapped F32 rows and
 * decoded rows (a file mixing F32 and F16 matrices) gets loads about half as fast.
 */
final class FloatingMatrix extends TiledMatrix {
    private static final VectorSpecies<Float> F = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int ROW_TILE = 4;
    private static final boolean SIXTEEN_LANES = L == 16;
    /** Where {@link #foldSixteen} leaves accumulator k: lane k with its four bits reversed. */
    private static final int[] BIT_REVERSED = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};

    private final FloatingFormat floating;
    /** Row length the kernel walks: cols rounded up to whole vectors (decoded rows are padded with zeros). */
    private final int stride;
    /** The mapped rows are the kernel's input as they are (F32 whose rows need no padding). */
    private final boolean readsMappedRows;

    FloatingMatrix(FloatingFormat format, MemorySegment data, int rows, int cols) {
        super(format, data, rows, cols);
        this.floating = format;
        this.stride = (cols + L - 1) / L * L;
        this.readsMappedRows = format.activationsExact() && stride == cols;
    }

    @Override
    void prepareActivations(float[] x, int batch, MatmulJob job, Scratch scratch) {
        job.activationStride = stride;
        if (floating.activationsExact() && stride == cols) {
            job.activations = x;
            return;
        }
        float[] a = scratch.activations(batch * stride);
        for (int b = 0; b < batch; b++) {
            floating.roundActivations(x, b * cols, a, b * stride, cols);
            Arrays.fill(a, b * stride + cols, (b + 1) * stride, 0f);
        }
        job.activations = a;
    }

    @Override
    int tileCount() {
        return (rows + ROW_TILE - 1) / ROW_TILE;
    }

    @Override
    void runTiles(MatmulJob job, int from, int to, Scratch scratch) {
        float[] lanes = scratch.lanes(ROW_TILE * ROW_TILE * L);
        if (readsMappedRows) {
            for (int t = from; t < to; t++) {
                int r0 = t * ROW_TILE;
                multiplyTile(data, r0 * rowBytes, rowBytes, r0, Math.min(ROW_TILE, rows - r0), job, lanes);
            }
            return;
        }
        MemorySegment tile = scratch.weightsView(ROW_TILE * stride);
        float[] decoded = scratch.weights(ROW_TILE * stride);
        for (int t = from; t < to; t++) {
            int r0 = t * ROW_TILE;
            int nr = Math.min(ROW_TILE, rows - r0);
            for (int i = 0; i < nr; i++) {
                format.dequantize(data, (r0 + i) * rowBytes, decoded, i * stride, cols);
                Arrays.fill(decoded, i * stride + cols, (i + 1) * stride, 0f);
            }
            multiplyTile(tile, 0, (long) stride * Float.BYTES, r0, nr, job, lanes);
        }
    }

    /** Rows {@code r0 .. r0+nr} start at byte {@code at} of {@code w}, {@code step} bytes apart. */
    private void multiplyTile(MemorySegment w, long at, long step, int r0, int nr, MatmulJob job, float[] lanes) {
        float[] a = job.activations;
        float[] out = job.out;
        int batch = job.batch;
        if (nr == ROW_TILE) {
            int b = 0;
            for (; b + 4 <= batch; b += 4) {
                dot4x4(w, at, step, a, b, out, r0, lanes);
            }
            for (; b < batch; b++) {
                dot4x1(w, at, step, a, b, out, r0, lanes);
            }
        } else {
            for (int i = 0; i < nr; i++) {
                for (int b = 0; b < batch; b++) {
                    out[b * rows + r0 + i] = dot1x1(w, at + i * step, a, b * stride, lanes);
                }
            }
        }
    }

    private float dot1x1(MemorySegment w, long at, float[] a, int aOff, float[] lanes) {
        FloatVector acc = FloatVector.zero(F);
        for (int c = 0; c < stride; c += L) {
            acc = FloatVector.fromMemorySegment(F, w, at + 4L * c, LE).fma(FloatVector.fromArray(F, a, aOff + c), acc);
        }
        acc.intoArray(lanes, 0);
        return LaneOrder.foldHalves(lanes, 0);
    }

    private void dot4x1(MemorySegment w, long at, long step, float[] a, int b, float[] out, int r0, float[] lanes) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int aOff = b * stride;
        for (int c = 0; c < stride; c += L) {
            FloatVector x = FloatVector.fromArray(F, a, aOff + c);
            long p = at + 4L * c;
            acc0 = FloatVector.fromMemorySegment(F, w, p, LE).fma(x, acc0);
            acc1 = FloatVector.fromMemorySegment(F, w, p + step, LE).fma(x, acc1);
            acc2 = FloatVector.fromMemorySegment(F, w, p + 2 * step, LE).fma(x, acc2);
            acc3 = FloatVector.fromMemorySegment(F, w, p + 3 * step, LE).fma(x, acc3);
        }
        acc0.intoArray(lanes, 0);
        acc1.intoArray(lanes, L);
        acc2.intoArray(lanes, 2 * L);
        acc3.intoArray(lanes, 3 * L);
        for (int i = 0; i < ROW_TILE; i++) {
            out[b * rows + r0 + i] = LaneOrder.foldHalves(lanes, i * L);
        }
    }

    private void dot4x4(MemorySegment w, long at, long step, float[] a, int b, float[] out, int r0, float[] lanes) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int x0 = b * stride;
        int x1 = x0 + stride;
        int x2 = x1 + stride;
        int x3 = x2 + stride;
        for (int c = 0; c < stride; c += L) {
            long p = at + 4L * c;
            FloatVector w0 = FloatVector.fromMemorySegment(F, w, p, LE);
            FloatVector w1 = FloatVector.fromMemorySegment(F, w, p + step, LE);
            FloatVector w2 = FloatVector.fromMemorySegment(F, w, p + 2 * step, LE);
            FloatVector w3 = FloatVector.fromMemorySegment(F, w, p + 3 * step, LE);
            FloatVector x = FloatVector.fromArray(F, a, x0 + c);
            a00 = w0.fma(x, a00);
            a10 = w1.fma(x, a10);
            a20 = w2.fma(x, a20);
            a30 = w3.fma(x, a30);
            x = FloatVector.fromArray(F, a, x1 + c);
            a01 = w0.fma(x, a01);
            a11 = w1.fma(x, a11);
            a21 = w2.fma(x, a21);
            a31 = w3.fma(x, a31);
            x = FloatVector.fromArray(F, a, x2 + c);
            a02 = w0.fma(x, a02);
            a12 = w1.fma(x, a12);
            a22 = w2.fma(x, a22);
            a32 = w3.fma(x, a32);
            x = FloatVector.fromArray(F, a, x3 + c);
            a03 = w0.fma(x, a03);
            a13 = w1.fma(x, a13);
            a23 = w2.fma(x, a23);
            a33 = w3.fma(x, a33);
        }
        // accumulators leave through an array: a helper taking vectors might not be inlined in a method this large
        a00.intoArray(lanes, 0);
        a01.intoArray(lanes, L);
        a02.intoArray(lanes, 2 * L);
        a03.intoArray(lanes, 3 * L);
        a10.intoArray(lanes, 4 * L);
        a11.intoArray(lanes, 5 * L);
        a12.intoArray(lanes, 6 * L);
        a13.intoArray(lanes, 7 * L);
        a20.intoArray(lanes, 8 * L);
        a21.intoArray(lanes, 9 * L);
        a22.intoArray(lanes, 10 * L);
        a23.intoArray(lanes, 11 * L);
        a30.intoArray(lanes, 12 * L);
        a31.intoArray(lanes, 13 * L);
        a32.intoArray(lanes, 14 * L);
        a33.intoArray(lanes, 15 * L);
        if (SIXTEEN_LANES) {
            foldSixteen(lanes);
            for (int k = 0; k < 16; k++) {
                out[(b + (k & 3)) * rows + r0 + (k >> 2)] = lanes[BIT_REVERSED[k]];
            }
            return;
        }
        for (int i = 0; i < ROW_TILE; i++) {
            for (int j = 0; j < 4; j++) {
                out[(b + j) * rows + r0 + i] = LaneOrder.foldHalves(lanes, (ROW_TILE * i + j) * L);
            }
        }
    }

    /**
     * {@link LaneOrder#foldHalves} of the 16 accumulators {@code lanes[16k .. 16k+16)}, k = 0..15, all at once with
     * vector operations: the total of accumulator k lands in {@code lanes[bitreverse(k)]}. Each level pairs slots 2p
     * and 2p+1 into slot p (in place: slot p was read before): lane i of the result gets x[i] + x[i^h] from x = slot
     * 2p where bit h of i is clear and x = slot 2p+1 where it is set, which is one level of foldHalves for both. The
     * levels are loops with the vector code written out (no helper calls), which C2 compiles without boxing.
     */
    private static void foldSixteen(float[] lanes) {
        for (int p = 0; p < 8; p++) {
            FloatVector a = FloatVector.fromArray(F, lanes, 32 * p);
            FloatVector b = FloatVector.fromArray(F, lanes, 32 * p + 16);
            a.blend(b, UPPER8).add(b.blend(a, UPPER8).rearrange(SWAP8)).intoArray(lanes, 16 * p);
        }
        for (int p = 0; p < 4; p++) {
            FloatVector a = FloatVector.fromArray(F, lanes, 32 * p);
            FloatVector b = FloatVector.fromArray(F, lanes, 32 * p + 16);
            a.blend(b, UPPER4).add(b.blend(a, UPPER4).rearrange(SWAP4)).intoArray(lanes, 16 * p);
        }
        for (int p = 0; p < 2; p++) {
            FloatVector a = FloatVector.fromArray(F, lanes, 32 * p);
            FloatVector b = FloatVector.fromArray(F, lanes, 32 * p + 16);
            a.blend(b, UPPER2).add(b.blend(a, UPPER2).rearrange(SWAP2)).intoArray(lanes, 16 * p);
        }
        FloatVector a = FloatVector.fromArray(F, lanes, 0);
        FloatVector b = FloatVector.fromArray(F, lanes, 16);
        a.blend(b, UPPER1).add(b.blend(a, UPPER1).rearrange(SWAP1)).intoArray(lanes, 0);
    }

    @Override
    public void multiplyReference(float[] x, int batch, float[] out) {
        checkOperands(x, batch, out);
        float[] row = new float[cols];
        float[] act = new float[cols];
        float[] lanes = new float[L];
        for (int r = 0; r < rows; r++) {
            format.dequantize(data, r * rowBytes, row, 0, cols);
            for (int b = 0; b < batch; b++) {
                floating.roundActivations(x, b * cols, act, 0, cols);
                out[b * rows + r] = LaneOrder.dot(row, 0, act, 0, cols, lanes);
            }
        }
    }
}
