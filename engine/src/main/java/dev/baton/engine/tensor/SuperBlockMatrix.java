package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * K-quant weights times Q8_K activations. Each output is
 * <pre>  acc = 0;  for each super-block k in order:  acc += blockProduct(d_k, dmin_k, d_a,k, S_k, M_k)</pre>
 * (see {@link SuperBlockFormat}) where S_k and M_k are exact integers, so however they are computed the bits are the
 * same: every kernel below agrees with {@link #multiplyReference} bit for bit.
 *
 * <p>Rows are processed in tiles of {@link #TILE}; except in place, each weight super-block is unpacked once per
 * multiply ({@link SuperBlockFormat#unpack}) and reused for every activation row:
 * <ul>
 * <li><b>in place</b> (Q4_K, Q5_K and Q6_K, batch below {@link #PANEL_MIN_BATCH}): {@link Q4_KDecodeKernel},
 * {@link Q5_KDecodeKernel} and {@link Q6_KDecodeKernel} read the quants straight from the weights and multiply in 16-bit lanes
 * ({@link ShortLaneFold}), a tile of rows per call and step. Each type has its own tile loop here, so that every
 * step's call site sees one kernel (with two types behind one call site C2 inlined both, passed its node limit and
 * allocated).</li>
 * <li><b>row kernel</b> (batch below {@link #PANEL_MIN_BATCH}, other types): per row and block, one vector dot
 * product per activation row against the unpacked quants.</li>
 * <li><b>batch lanes</b> (batched decode, prefill): activations are stored column-major in groups of L batch rows;
 * {@link SuperBlockKernels#PANEL_ROWS} rows' blocks are widened to floats and each weight is broadcast against L
 * batch rows at once, the partial sums kept in registers.</li>
 * </ul>
 */
final class SuperBlockMatrix extends TiledMatrix {
    /** Rows per tile (the unit of work handed to the pool's threads). */
    static final int TILE = 16;
    /** From this batch size on, the batch-lane kernel is faster. */
    static final int PANEL_MIN_BATCH = 6;
    private static final int BLOCK = SuperBlockFormat.BLOCK;
    private static final int GROUPS = SuperBlockFormat.GROUPS;
    private static final int L = KernelSpecies.LANES;
    private static final int PANEL_ROWS = SuperBlockKernels.PANEL_ROWS;

    private final SuperBlockFormat kquant;
    private final boolean hasMins;
    private final int scaleGroup;
    /** Scale groups per super-block: 16 or 8. */
    private final int scaleGroups;
    private final int blocks;
    private final int blockBytes;
    /** Decode takes {@link Q4_KDecodeKernel}. */
    private final boolean fourBitInPlace;
    /** Decode takes {@link Q5_KDecodeKernel} (with Q4_K's steps 2 and 3). */
    private final boolean fiveBitInPlace;
    /** Decode takes {@link Q6_KDecodeKernel}. */
    private final boolean sixBitInPlace;

    SuperBlockMatrix(SuperBlockFormat format, MemorySegment data, int rows, int cols) {
        super(format, data, rows, cols);
        this.kquant = format;
        this.hasMins = format.hasMins();
        this.scaleGroup = format.scaleGroup();
        this.scaleGroups = BLOCK / scaleGroup;
        this.blocks = cols / BLOCK;
        this.blockBytes = format.type().blockBytes();
        this.fourBitInPlace = format.type() == GgmlType.Q4_K && Q4_KDecodeKernel.AVAILABLE;
        this.fiveBitInPlace = format.type() == GgmlType.Q5_K && Q4_KDecodeKernel.AVAILABLE;
        this.sixBitInPlace = format.type() == GgmlType.Q6_K && Q6_KDecodeKernel.AVAILABLE;
    }

    @Override
    void prepareActivations(float[] x, int batch, MatmulJob job, Scratch scratch) {
        job.activationStride = cols;
        job.panel = batch >= PANEL_MIN_BATCH;
        if (!job.panel) {
            float[] q = scratch.activations(batch * cols);
            float[] d = scratch.activationScales(batch * blocks);
            int[] sums = scratch.activationSums(batch * blocks * scaleGroups);
            for (int b = 0; b < batch; b++) {
                Q8KActivations.quantize(x, b * cols, cols, q, b * cols, d, b * blocks, sums, b * blocks * scaleGroups,
                        scaleGroup);
            }
            job.activations = q;
            if (sixBitInPlace) {
                job.activationShorts = Q6_KDecodeKernel.arrangeActivations(q, batch, cols, scratch);
            } else if (fourBitInPlace || fiveBitInPlace) {
                job.activationShorts = Q4_KDecodeKernel.arrangeActivations(q, sums, batch, cols, scratch);
            } else {
                job.activationShorts = null;
            }
            job.activationScales = d;
            job.activationSums = sums;
            return;
        }
        // Batch-lane layout: group g holds batch rows gL..gL+L-1; q at ((g·cols + c)·L + lane), d at
        // ((g·blocks + k)·L + lane), scale group sums at (((g·blocks + k)·scaleGroups + j)·L + lane). Lanes past the
        // batch stay 0.
        int groups = (batch + L - 1) / L;
        float[] q = scratch.activations(groups * cols * L);
        float[] d = scratch.activationScales(groups * blocks * L);
        float[] s = scratch.activationBlockSums(groups * blocks * scaleGroups * L);
        Arrays.fill(q, 0, groups * cols * L, 0f);
        Arrays.fill(d, 0, groups * blocks * L, 0f);
        Arrays.fill(s, 0, groups * blocks * scaleGroups * L, 0f);
        float[] rowQ = scratch.row(cols + blocks);
        int[] rowSums = scratch.activationSums(blocks * scaleGroups);
        for (int b = 0; b < batch; b++) {
            Q8KActivations.quantize(x, b * cols, cols, rowQ, 0, rowQ, cols, rowSums, 0, scaleGroup);
            int g = b / L;
            int lane = b % L;
            for (int c = 0; c < cols; c++) {
                q[(g * cols + c) * L + lane] = rowQ[c];
            }
            for (int k = 0; k < blocks; k++) {
                d[(g * blocks + k) * L + lane] = rowQ[cols + k];
            }
            for (int i = 0; i < blocks * scaleGroups; i++) {
                s[(g * blocks * scaleGroups + i) * L + lane] = rowSums[i];
            }
        }
        job.activations = q;
        job.activationScales = d;
        job.activationBlockSums = s;
    }

    @Override
    int tileCount() {
        return (rows + TILE - 1) / TILE;
    }

    @Override
    void runTiles(MatmulJob job, int from, int to, Scratch scratch) {
        for (int t = from; t < to; t++) {
            int r0 = t * TILE;
            int nr = Math.min(TILE, rows - r0);
            if (job.panel) {
                batchLaneTile(r0, nr, job, scratch);
            } else if (sixBitInPlace) {
                rowTileSixBit(r0, nr, job, scratch);
            } else if (fourBitInPlace || fiveBitInPlace) {
                rowTileScaleMin(r0, nr, job, scratch);
            } else {
                rowTile(r0, nr, job, scratch);
            }
        }
    }

    /**
     * {@link Q4_KDecodeKernel}'s three steps over one tile, per activation row, step 1 of Q5_K from
     * {@link Q5_KDecodeKernel} (two static calls: each call site sees one kernel).
     */
    private void rowTileScaleMin(int r0, int nr, MatmulJob job, Scratch scratch) {
        int count = nr * blocks;
        int[] stage = scratch.foldStage(32 * count);
        int[] groupSums = scratch.tileSums(Q4_KDecodeKernel.groupSumsLength(blocks));
        float[] scales = scratch.weightScales(2 * TILE * blocks);
        float[] out = scratch.lanes(TILE);
        long first = r0 * rowBytes;
        int mins = Q4_KDecodeKernel.minTable(blocks);
        for (int b = 0; b < job.batch; b++) {
            int a = b * blocks * Q4_KDecodeKernel.SHORTS_PER_BLOCK;
            if (fiveBitInPlace) {
                Q5_KDecodeKernel.foldedProducts(data, first, count, blocks, job.activationShorts, a, stage);
            } else {
                Q4_KDecodeKernel.foldedProducts(data, first, count, blocks, job.activationShorts, a, stage);
            }
            Q4_KDecodeKernel.scaledGroupSums(stage, data, first, count, blockBytes, blocks, groupSums, mins, scales);
            Q4_KDecodeKernel.tileProducts(groupSums, scales, blocks, job.activationShorts, a, job.activationScales,
                    b * blocks, out);
            System.arraycopy(out, 0, job.out, b * rows + r0, nr);
        }
    }

    /** {@link Q6_KDecodeKernel}'s three steps over one tile, per activation row (steps 1 and 2 chunk by chunk). */
    private void rowTileSixBit(int r0, int nr, MatmulJob job, Scratch scratch) {
        int count = nr * blocks;
        int[] stage = scratch.foldStage(32 * Math.min(count, Q6_KDecodeKernel.CHUNK));
        int[] groupSums = scratch.tileSums(TILE * TILE * blocks + RowSumTree.WORK);
        float[] d = scratch.weightScales(TILE * blocks);
        float[] out = scratch.lanes(TILE);
        if (nr < TILE) {
            Q6_KDecodeKernel.clearMissingRows(nr, blocks, groupSums, d);
        }
        long first = r0 * rowBytes;
        for (int b = 0; b < job.batch; b++) {
            int a = b * blocks * Q6_KDecodeKernel.SHORTS_PER_BLOCK;
            for (int c = 0; c < count; c += Q6_KDecodeKernel.CHUNK) {
                int n = Math.min(Q6_KDecodeKernel.CHUNK, count - c);
                long at = first + (long) blockBytes * c;
                Q6_KDecodeKernel.foldedProducts(data, at, c, n, blocks, job.activationShorts, a, stage);
                Q6_KDecodeKernel.scaledGroupSums(stage, data, at, c, n, blocks, job.activationShorts, a, groupSums, d);
            }
            Q6_KDecodeKernel.tileProducts(groupSums, d, blocks, job.activationScales, b * blocks, out);
            System.arraycopy(out, 0, job.out, b * rows + r0, nr);
        }
    }

    private void rowTile(int r0, int nr, MatmulJob job, Scratch scratch) {
        int batch = job.batch;
        UnpackedSuperBlock u = scratch.superBlock();
        float[] acc = scratch.accumulators(batch);
        for (int r = r0; r < r0 + nr; r++) {
            Arrays.fill(acc, 0, batch, 0f);
            for (int k = 0; k < blocks; k++) {
                kquant.unpack(data, r * rowBytes + (long) k * blockBytes, u);
                for (int b = 0; b < batch; b++) {
                    int ka = b * blocks + k;
                    int sum = SuperBlockKernels.dot(u, scaleGroup, job.activations, b * cols + k * BLOCK);
                    int minSum = hasMins ? SuperBlockKernels.minSum(u, scaleGroups, job.activationSums, ka * scaleGroups) : 0;
                    acc[b] += SuperBlockFormat.blockProduct(u.d, u.dmin, job.activationScales[ka], sum, minSum, hasMins);
                }
            }
            for (int b = 0; b < batch; b++) {
                job.out[b * rows + r] = acc[b];
            }
        }
    }

    /** Rows past the matrix repeat its last row; their outputs are dropped. */
    private void batchLaneTile(int r0, int nr, MatmulJob job, Scratch scratch) {
        int groups = (job.batch + L - 1) / L;
        UnpackedSuperBlock u = scratch.superBlock();
        float[] w = scratch.weights(PANEL_ROWS * BLOCK);
        float[] wd = scratch.weightScales(2 * PANEL_ROWS);
        float[] wm = hasMins ? scratch.weightOffsets(PANEL_ROWS * scaleGroups) : null;
        float[] acc = scratch.accumulators(TILE * groups * L);
        int[] sums = scratch.tileSums(PANEL_ROWS * L);
        for (int i0 = 0; i0 < nr; i0 += PANEL_ROWS) {
            for (int k = 0; k < blocks; k++) {
                for (int i = 0; i < PANEL_ROWS; i++) {
                    kquant.unpack(data, Math.min(r0 + i0 + i, rows - 1) * rowBytes + (long) k * blockBytes, u);
                    SuperBlockKernels.widen(u, scaleGroup, w, i * BLOCK);
                    wd[i] = u.d;
                    wd[PANEL_ROWS + i] = u.dmin;
                    if (hasMins) {
                        for (int j = 0; j < scaleGroups; j++) {
                            wm[i * scaleGroups + j] = u.mins[j];
                        }
                    }
                }
                for (int g = 0; g < groups; g++) {
                    SuperBlockKernels.batchLaneSums(w, job.activations, (g * cols + k * BLOCK) * L, sums);
                    SuperBlockKernels.addBlockShares(sums, wd, wm, job.activationScales, (g * blocks + k) * L,
                            job.activationBlockSums, (g * blocks + k) * scaleGroups * L, scaleGroups, acc,
                            (i0 * groups + g) * L, groups * L);
                }
            }
        }
        float[] out = job.out;
        for (int b = 0; b < job.batch; b++) {
            for (int i = 0; i < nr; i++) {
                out[b * rows + r0 + i] = acc[(i * groups + b / L) * L + b % L];
            }
        }
    }

    @Override
    public void multiplyReference(float[] x, int batch, float[] out) {
        checkOperands(x, batch, out);
        float[] q = new float[batch * cols];
        float[] d = new float[batch * blocks];
        int[] sums = new int[batch * blocks * GROUPS];
        for (int b = 0; b < batch; b++) {
            Q8KActivations.quantize(x, b * cols, cols, q, b * cols, d, b * blocks, sums, b * blocks * GROUPS, 16);
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
