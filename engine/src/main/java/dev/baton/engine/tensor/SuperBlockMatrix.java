package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * K-quant weights times Q8_K activations. Each output is
 * <pre>  acc = 0;  for each super-block k in order:  acc += blockProduct(d_k, dmin_k, d_a,k, S_k, M_k)</pre>
 * (see {@link SuperBlockFormat}) where S_k and M_k are exact integers, so however they are computed — fused vector
 * kernel for small batches, decode-once-then-dot for larger ones, scalar reference — the bits are the same.
 *
 * <p>Small batches run the fused kernel per row and activation row (weights stream straight from the mapped file
 * into registers). From {@link #DECODE_BATCH} rows on, each tile of {@link #ROW_TILE} weight rows is decoded once per
 * super-block and batch tile, and the decoded values are reused for every activation row of the tile.
 */
final class SuperBlockMatrix extends TiledMatrix {
    static final int DECODE_BATCH = 4;
    static final int ROW_TILE = 4;
    static final int BATCH_TILE = 16;
    private static final int BLOCK = SuperBlockFormat.BLOCK;
    private static final int GROUPS = SuperBlockFormat.GROUPS;

    private final SuperBlockFormat kquant;
    private final boolean hasMins;
    private final int blocks;
    private final int blockBytes;

    SuperBlockMatrix(SuperBlockFormat format, MemorySegment data, int rows, int cols) {
        super(format, data, rows, cols);
        this.kquant = format;
        this.hasMins = format.hasMins();
        this.blocks = cols / BLOCK;
        this.blockBytes = format.type().blockBytes();
    }

    @Override
    void prepareActivations(float[] x, int batch, MatmulJob job, Scratch scratch) {
        float[] q = scratch.activations(batch * cols);
        float[] d = scratch.activationScales(batch * blocks);
        int[] sums = scratch.activationSums(batch * blocks * GROUPS);
        for (int b = 0; b < batch; b++) {
            Q8KActivations.quantize(x, b * cols, cols, q, b * cols, d, b * blocks, sums, b * blocks * GROUPS);
        }
        job.activations = q;
        job.activationScales = d;
        job.activationSums = sums;
        job.activationStride = cols;
    }

    @Override
    int tileCount() {
        return (rows + ROW_TILE - 1) / ROW_TILE;
    }

    @Override
    void runTiles(MatmulJob job, int from, int to, Scratch scratch) {
        if (job.batch < DECODE_BATCH) {
            for (int r = from * ROW_TILE; r < Math.min(rows, to * ROW_TILE); r++) {
                for (int b = 0; b < job.batch; b++) {
                    job.out[b * rows + r] = fusedRow(r, b, job);
                }
            }
        } else {
            for (int t = from; t < to; t++) {
                decodedTile(t, job, scratch);
            }
        }
    }

    private float fusedRow(int r, int b, MatmulJob job) {
        float acc = 0f;
        long row = r * rowBytes;
        int aBase = b * cols;
        int kBase = b * blocks;
        for (int k = 0; k < blocks; k++) {
            long blk = row + (long) k * blockBytes;
            int sum = kquant.dot(data, blk, job.activations, aBase + k * BLOCK);
            acc += blockProduct(blk, sum, job, kBase + k);
        }
        return acc;
    }

    private void decodedTile(int t, MatmulJob job, Scratch scratch) {
        int r0 = t * ROW_TILE;
        int nr = Math.min(ROW_TILE, rows - r0);
        float[] scaled = scratch.weights(ROW_TILE * BLOCK);
        float[] acc = scratch.weightScales(ROW_TILE * BATCH_TILE);
        for (int b0 = 0; b0 < job.batch; b0 += BATCH_TILE) {
            int nb = Math.min(BATCH_TILE, job.batch - b0);
            java.util.Arrays.fill(acc, 0, ROW_TILE * BATCH_TILE, 0f);
            for (int k = 0; k < blocks; k++) {
                for (int i = 0; i < nr; i++) {
                    kquant.decode(data, (r0 + i) * rowBytes + (long) k * blockBytes, scaled, i * BLOCK);
                }
                for (int i = 0; i < nr; i++) {
                    long blk = (r0 + i) * rowBytes + (long) k * blockBytes;
                    for (int b = b0; b < b0 + nb; b++) {
                        int sum = SuperBlockFormat.dotDecoded(scaled, i * BLOCK, job.activations, b * cols + k * BLOCK);
                        acc[i * BATCH_TILE + b - b0] += blockProduct(blk, sum, job, b * blocks + k);
                    }
                }
            }
            for (int i = 0; i < nr; i++) {
                for (int b = b0; b < b0 + nb; b++) {
                    job.out[b * rows + r0 + i] = acc[i * BATCH_TILE + b - b0];
                }
            }
        }
    }

    /** The block's share given its integer sum S; reads d, dmin and the mins term M for activation block ka. */
    private float blockProduct(long blk, int sum, MatmulJob job, int ka) {
        float d = kquant.blockScale(data, blk);
        float da = job.activationScales[ka];
        if (!hasMins) {
            return SuperBlockFormat.blockProduct(d, 0f, da, sum, 0, false);
        }
        return SuperBlockFormat.blockProduct(d, kquant.blockMinScale(data, blk), da, sum,
                kquant.minSum(data, blk, job.activationSums, ka * GROUPS), true);
    }

    @Override
    public void multiplyReference(float[] x, int batch, float[] out) {
        checkOperands(x, batch, out);
        float[] q = new float[batch * cols];
        float[] d = new float[batch * blocks];
        int[] sums = new int[batch * blocks * GROUPS];
        for (int b = 0; b < batch; b++) {
            Q8KActivations.quantize(x, b * cols, cols, q, b * cols, d, b * blocks, sums, b * blocks * GROUPS);
        }
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < batch; b++) {
                float acc = 0f;
                for (int k = 0; k < blocks; k++) {
                    long blk = r * rowBytes + (long) k * blockBytes;
                    int sum = kquant.dotReference(data, blk, q, b * cols + k * BLOCK);
                    float dmin = 0f;
                    int minSum = 0;
                    if (hasMins) {
                        dmin = kquant.blockMinScale(data, blk);
                        minSum = kquant.minSumReference(data, blk, sums, (b * blocks + k) * GROUPS);
                    }
                    acc += SuperBlockFormat.blockProduct(kquant.blockScale(data, blk), dmin, d[b * blocks + k], sum,
                            minSum, hasMins);
                }
                out[b * rows + r] = acc;
            }
        }
    }
}
