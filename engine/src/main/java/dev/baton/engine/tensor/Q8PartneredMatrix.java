package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q8_0 / Q4_0 / Q5_0 weights times Q8_0 activations, Q4_1 / Q5_1 weights times Q8_1 activations. Each output is
 * <pre>  acc = 0;  for each block k in order:  acc = fma(S_k, d_w,k · d_a,k, acc)
 *                                          [acc = fma(m_w,k, s_a,k, acc)   offset types only]</pre>
 * where {@code S_k = Σ q_w · q_a} over the block's 32 columns is an exact integer (|S| &lt; 2^20, so it is exact in
 * float whatever order it is summed in). That order does not depend on the vector width, so the vector kernel and the
 * scalar reference agree bit for bit on every machine.
 */
final class Q8PartneredMatrix extends TiledMatrix {
    private static final VectorSpecies<Float> F = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;
    private static final int BLOCK = Q8PartneredFormat.BLOCK;
    static final int ROW_TILE = 4;

    private final Q8PartneredFormat quantized;
    private final boolean offsets;
    private final int blocks;

    Q8PartneredMatrix(Q8PartneredFormat format, MemorySegment data, int rows, int cols) {
        super(format, data, rows, cols);
        this.quantized = format;
        this.offsets = format.hasBlockOffset();
        this.blocks = cols / BLOCK;
    }

    @Override
    void prepareActivations(float[] x, int batch, MatmulJob job, Scratch scratch) {
        float[] q = scratch.activations(batch * cols);
        float[] d = scratch.activationScales(batch * blocks);
        float[] sums = offsets ? scratch.activationBlockSums(batch * blocks) : null;
        for (int b = 0; b < batch; b++) {
            Q8Activations.quantize(x, b * cols, cols, q, b * cols, d, b * blocks, sums);
        }
        job.activations = q;
        job.activationScales = d;
        job.activationBlockSums = sums;
        job.activationStride = cols;
    }

    @Override
    int tileCount() {
        return (rows + ROW_TILE - 1) / ROW_TILE;
    }

    @Override
    void runTiles(MatmulJob job, int from, int to, Scratch scratch) {
        float[] wq = scratch.weights(ROW_TILE * cols);
        float[] wd = scratch.weightScales(ROW_TILE * blocks);
        float[] wm = offsets ? scratch.weightOffsets(ROW_TILE * blocks) : null;
        float[] aq = job.activations;
        float[] ad = job.activationScales;
        float[] out = job.out;
        int blockBytes = format.type().blockBytes();
        for (int t = from; t < to; t++) {
            int r0 = t * ROW_TILE;
            int nr = Math.min(ROW_TILE, rows - r0);
            quantized.unpackQuants(data, r0 * rowBytes, nr * blocks, wq, 0);
            for (int i = 0; i < nr * blocks; i++) {
                wd[i] = Q8PartneredFormat.blockScale(data, r0 * rowBytes + (long) i * blockBytes);
                if (offsets) {
                    wm[i] = Q8PartneredFormat.blockOffset(data, r0 * rowBytes + (long) i * blockBytes);
                }
            }
            for (int b = 0; b < job.batch; b++) {
                for (int i = 0; i < nr; i++) {
                    out[b * rows + r0 + i] = dot(wq, wd, wm, i, aq, ad, job.activationBlockSums, b);
                }
            }
        }
    }

    private float dot(float[] wq, float[] wd, float[] wm, int i, float[] aq, float[] ad, float[] as, int b) {
        float acc = 0f;
        int w = i * cols;
        int a = b * cols;
        for (int k = 0; k < blocks; k++) {
            FloatVector p = FloatVector.zero(F);
            for (int v = 0; v < BLOCK; v += L) {
                p = FloatVector.fromArray(F, wq, w + v).fma(FloatVector.fromArray(F, aq, a + v), p);
            }
            float sum = p.reduceLanes(VectorOperators.ADD);
            acc = Math.fma(sum, wd[i * blocks + k] * ad[b * blocks + k], acc);
            if (wm != null) {
                acc = Math.fma(wm[i * blocks + k], as[b * blocks + k], acc);
            }
            w += BLOCK;
            a += BLOCK;
        }
        return acc;
    }

    @Override
    public void multiplyReference(float[] x, int batch, float[] out) {
        checkOperands(x, batch, out);
        float[] wq = new float[cols];
        float[] aq = new float[batch * cols];
        float[] ad = new float[batch * blocks];
        float[] as = offsets ? new float[batch * blocks] : null;
        for (int b = 0; b < batch; b++) {
            Q8Activations.quantize(x, b * cols, cols, aq, b * cols, ad, b * blocks, as);
        }
        int blockBytes = format.type().blockBytes();
        for (int r = 0; r < rows; r++) {
            quantized.unpackQuants(data, r * rowBytes, blocks, wq, 0);
            for (int b = 0; b < batch; b++) {
                float acc = 0f;
                for (int k = 0; k < blocks; k++) {
                    int sum = 0;
                    for (int j = 0; j < BLOCK; j++) {
                        sum += (int) wq[k * BLOCK + j] * (int) aq[b * cols + k * BLOCK + j];
                    }
                    long block = r * rowBytes + (long) k * blockBytes;
                    float dw = Q8PartneredFormat.blockScale(data, block);
                    acc = Math.fma((float) sum, dw * ad[b * blocks + k], acc);
                    if (offsets) {
                        acc = Math.fma(Q8PartneredFormat.blockOffset(data, block), as[b * blocks + k], acc);
                    }
                }
                out[b * rows + r] = acc;
            }
        }
    }
}
