package dev.baton.engine.tensor;

import static dev.baton.engine.tensor.LaneFold.*;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 / F16 / BF16 weights. Rows are decoded four at a time into float scratch padded to whole vectors, then a
 * register-tiled kernel multiplies them with up to four activation rows at once, following {@link LaneOrder}.
 */
final class FloatingMatrix extends TiledMatrix {
    private static final VectorSpecies<Float> F = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;
    static final int ROW_TILE = 4;
    private static final boolean SIXTEEN_LANES = L == 16;
    /** Where {@link #foldSixteen} leaves accumulator k: lane k with its four bits reversed. */
    private static final int[] BIT_REVERSED = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};

    private final FloatingFormat floating;
    /** Row length in the scratch buffers: cols rounded up to whole vectors, padded with zeros. */
    private final int stride;

    FloatingMatrix(FloatingFormat format, MemorySegment data, int rows, int cols) {
        super(format, data, rows, cols);
        this.floating = format;
        this.stride = (cols + L - 1) / L * L;
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
        float[] w = scratch.weights(ROW_TILE * stride);
        for (int t = from; t < to; t++) {
            int r0 = t * ROW_TILE;
            int nr = Math.min(ROW_TILE, rows - r0);
            for (int i = 0; i < nr; i++) {
                format.dequantize(data, (r0 + i) * rowBytes, w, i * stride, cols);
                Arrays.fill(w, i * stride + cols, (i + 1) * stride, 0f);
            }
            multiplyTile(w, r0, nr, job, scratch.lanes(ROW_TILE * ROW_TILE * L));
        }
    }

    private void multiplyTile(float[] w, int r0, int nr, MatmulJob job, float[] lanes) {
        float[] a = job.activations;
        float[] out = job.out;
        int batch = job.batch;
        if (nr == ROW_TILE) {
            int b = 0;
            for (; b + 4 <= batch; b += 4) {
                dot4x4(w, a, b, out, r0, lanes);
            }
            for (; b < batch; b++) {
                dot4x1(w, a, b, out, r0, lanes);
            }
        } else {
            for (int i = 0; i < nr; i++) {
                for (int b = 0; b < batch; b++) {
                    out[b * rows + r0 + i] = dot1x1(w, i * stride, a, b * stride, lanes);
                }
            }
        }
    }

    private float dot1x1(float[] w, int wOff, float[] a, int aOff, float[] lanes) {
        FloatVector acc = FloatVector.zero(F);
        for (int c = 0; c < stride; c += L) {
            acc = FloatVector.fromArray(F, w, wOff + c).fma(FloatVector.fromArray(F, a, aOff + c), acc);
        }
        acc.intoArray(lanes, 0);
        return LaneOrder.foldHalves(lanes, 0);
    }

    private void dot4x1(float[] w, float[] a, int b, float[] out, int r0, float[] lanes) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int aOff = b * stride;
        for (int c = 0; c < stride; c += L) {
            FloatVector x = FloatVector.fromArray(F, a, aOff + c);
            acc0 = FloatVector.fromArray(F, w, c).fma(x, acc0);
            acc1 = FloatVector.fromArray(F, w, stride + c).fma(x, acc1);
            acc2 = FloatVector.fromArray(F, w, 2 * stride + c).fma(x, acc2);
            acc3 = FloatVector.fromArray(F, w, 3 * stride + c).fma(x, acc3);
        }
        acc0.intoArray(lanes, 0);
        acc1.intoArray(lanes, L);
        acc2.intoArray(lanes, 2 * L);
        acc3.intoArray(lanes, 3 * L);
        for (int i = 0; i < ROW_TILE; i++) {
            out[b * rows + r0 + i] = LaneOrder.foldHalves(lanes, i * L);
        }
    }

    private void dot4x4(float[] w, float[] a, int b, float[] out, int r0, float[] lanes) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int x0 = b * stride;
        int x1 = x0 + stride;
        int x2 = x1 + stride;
        int x3 = x2 + stride;
        for (int c = 0; c < stride; c += L) {
            FloatVector w0 = FloatVector.fromArray(F, w, c);
            FloatVector w1 = FloatVector.fromArray(F, w, stride + c);
            FloatVector w2 = FloatVector.fromArray(F, w, 2 * stride + c);
            FloatVector w3 = FloatVector.fromArray(F, w, 3 * stride + c);
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
