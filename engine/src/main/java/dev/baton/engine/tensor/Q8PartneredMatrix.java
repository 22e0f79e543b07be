package dev.baton.engine.tensor;

import static dev.baton.engine.tensor.LaneFold.*;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q8_0 / Q4_0 / Q5_0 weights times Q8_0 activations, Q4_1 / Q5_1 weights times Q8_1 activations. Each output is
 * <pre>  acc = 0;  for each block k in order:  acc = fma(S_k, d_w,k · d_a,k, acc)
 *                                          [acc = fma(m_w,k, s_a,k, acc)   offset types only]</pre>
 * where {@code S_k = Σ q_w · q_a} over the block's 32 columns is an exact integer (|S| &lt; 2^20, so it is exact in
 * float whatever order it is summed in). That order does not depend on the vector width or the kernel, so the kernels
 * below and the scalar reference agree bit for bit on every machine.
 *
 * <p>Rows are processed in tiles of 16 and columns in chunks of {@link #CHUNK_BLOCKS} blocks ({@link #ROW_CHUNK_BLOCKS}
 * in the row-lane kernel of nibble types, see there). The quants are read in place from the mapped weights, where
 * the format's {@link Q8PartneredFormat.BlockLayout} says; the blocks' f16 scales (and offsets) are copied once, at construction,
 * into a table transposed per tile, so that a block's 16 scales widen to floats with one vector conversion. Then one
 * of two kernels runs, both with 16-float vectors:
 * <ul>
 * <li><b>row lanes</b> (batch below {@link #PANEL_MIN_BATCH}): for each activation row and block, the 16 rows' block
 * products are computed across columns in 16-bit lanes and folded by a transposing add tree into one vector whose
 * lane i is row i's S_k; the 16 accumulators then advance together with one vector FMA. Q8_0 leaves 16 bits after the
 * first fold level (sums of two products) and folds the rest in floats; the nibble types stay in 16 bits for the whole
 * block (wrapping, then re-centred exactly, see finishNibbleLanes).</li>
 * <li><b>batch lanes</b> (prefill, batched decode): the chunk is widened to floats once; activations are stored
 * column-major in groups of 16 batch rows, so each weight is broadcast and multiplied with 16 batch rows at once, in
 * register tiles of 8 rows × 32 batch rows or 16 rows × 16 batch rows of block sums (16 accumulators).</li>
 * </ul>
 * Other vector widths use a plain per-row kernel with the same arithmetic.
 *
 * <p>Vector values never cross a call to a method of ours, however small: each kernel method holds all of its vector
 * code and calls only the Vector API (whose methods C2 always inlines) with vectors. C2 decides by heuristics, from
 * the call-site profile at the moment it compiles, whether to inline one of our methods; when a kernel method was
 * inlined into its caller before its own profile had counted its calls (it had run in C1 code that does not profile),
 * C2 judged a fold helper's call sites rare ("low call site frequency"), left them as calls, and every vector passing
 * through them was boxed: the Q8_0 decode kernel then ran at a quarter of its speed, allocating gigabytes, in some
 * JVMs and not others (docs/benchmarks.md, Kernels). {@code StepAllocatesNothingTest} runs this class with inlining
 * of its methods forbidden to keep it so.
 */
final class Q8PartneredMatrix extends TiledMatrix {
    private static final VectorSpecies<Float> F = KernelSpecies.FLOAT;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Short> S32 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Byte> B32 = ByteVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final VectorMask<Short> UPPER16 = VectorMask.fromLong(S32, 0xFFFF0000L);
    private static final VectorShuffle<Short> SWAP16 = VectorShuffle.fromOp(S32, i -> i ^ 16);
    private static final VectorMask<Short> UPPER8_OF_16 = VectorMask.fromLong(S32, 0xFF00FF00L);
    private static final VectorShuffle<Short> SWAP8_OF_16 = VectorShuffle.fromOp(S32, i -> i ^ 8);
    private static final VectorMask<Short> UPPER4_OF_16 = VectorMask.fromLong(S32, 0xF0F0F0F0L);
    private static final VectorShuffle<Short> SWAP4_OF_16 = VectorShuffle.fromOp(S32, i -> i ^ 4);
    private static final VectorMask<Short> UPPER2_OF_16 = VectorMask.fromLong(S32, 0xCCCCCCCCL);
    private static final VectorShuffle<Short> SWAP2_OF_16 = VectorShuffle.fromOp(S32, i -> i ^ 2);
    /** The slot pair holding rows j and j + 8 of a tile (row i sits in slot bitreverse(i)). */
    private static final int[] PAIR_OF_ROW = {0, 4, 2, 6, 1, 5, 3, 7};
    private static final IntVector LANE_INDEX = IntVector.zero(I).addIndex(1);
    private static final int L = KernelSpecies.LANES;
    private static final int BLOCK = Q8PartneredFormat.BLOCK;
    private static final boolean SIXTEEN_LANES = L == 16;
    /** Rows per tile: one per lane of the row-lane kernel. */
    static final int TILE = 16;
    /** Blocks per chunk: 16 rows × 256 columns, 16 KiB as floats in the batch-lane kernel (stays in L1). */
    static final int CHUNK_BLOCKS = 8;
    private static final int CHUNK = CHUNK_BLOCKS * BLOCK;
    /**
     * Blocks per chunk of the row-lane kernel on nibble types: whole rows up to 2048 columns. Batch-1 decode reads
     * every weight from memory once; walking each row in one long run, two rows at a time (j, j+8), lets the hardware
     * prefetcher stream them (chunks of 8 blocks left streamed Q4_0 products at 0.92× this speed, measured). Q8_0
     * gained 1.2–1.3× from the same walk but then fell, in some JVMs, into C2 code that allocated (docs/benchmarks.md,
     * Kernels), so it keeps chunks of {@link #CHUNK_BLOCKS} until that is understood.
     */
    static final int ROW_CHUNK_BLOCKS = 64;
    /** From this batch size on, the batch-lane kernel is faster. */
    static final int PANEL_MIN_BATCH = 8;


    private final Q8PartneredFormat quantized;
    private final Q8PartneredFormat.BlockLayout layout;
    private final boolean offsets;
    private final int blocks;
    private final int blockBytes;
    /** Every block's scale d (f16 bits), tile by tile, see {@link #transposedHalves}. */
    private final short[] scales;
    /** Every block's offset m (f16 bits) for offset types, else null. */
    private final short[] blockOffsets;

    Q8PartneredMatrix(Q8PartneredFormat format, MemorySegment data, int rows, int cols) {
        super(format, data, rows, cols);
        this.quantized = format;
        this.layout = format.layout();
        this.offsets = format.hasBlockOffset();
        this.blocks = cols / BLOCK;
        this.blockBytes = format.type().blockBytes();
        this.scales = transposedHalves(0);
        this.blockOffsets = offsets ? transposedHalves(2) : null;
    }

    @Override
    void prepareActivations(float[] x, int batch, MatmulJob job, Scratch scratch) {
        job.activationStride = cols;
        job.panel = SIXTEEN_LANES && batch >= PANEL_MIN_BATCH;
        if (!job.panel) {
            float[] q = scratch.activations(batch * cols);
            float[] d = scratch.activationScales(batch * blocks);
            float[] s = offsets ? scratch.activationBlockSums(batch * blocks) : null;
            for (int b = 0; b < batch; b++) {
                Q8Activations.quantize(x, b * cols, cols, q, b * cols, d, b * blocks, s, b * blocks);
            }
            job.activations = q;
            job.activationScales = d;
            job.activationBlockSums = s;
            if (layout.nibbles()) {
                job.activationSums = lanesCentre() != layout.centre() ? blockSums(q, batch, scratch) : null;
                job.activationShorts = asNibbleOrderShorts(q, batch * cols, scratch);
                job.activationHalfSums = halfSumCorrections(q, batch, scratch);
            } else {
                job.activationSums = null;
                job.activationShorts = scratch.activationShorts(q, batch * cols);
                job.activationHalfSums = null;
            }
            return;
        }
        // Batch-lane layout: group g holds batch rows 16g..16g+15; q at ((g·cols + c)·16 + lane), d and s at
        // ((g·blocks + k)·16 + lane). Lanes past the batch stay zero.
        int groups = (batch + 15) / 16;
        float[] q = scratch.activations(groups * cols * 16);
        float[] d = scratch.activationScales(groups * blocks * 16);
        Arrays.fill(q, 0, groups * cols * 16, 0f);
        Arrays.fill(d, 0, groups * blocks * 16, 0f);
        float[] s = offsets ? scratch.activationBlockSums(groups * blocks * 16) : null;
        if (offsets) {
            Arrays.fill(s, 0, groups * blocks * 16, 0f);
        }
        float[] rowQ = scratch.row(cols + 2 * blocks);
        for (int b = 0; b < batch; b++) {
            Q8Activations.quantize(x, b * cols, cols, rowQ, 0, rowQ, cols, offsets ? rowQ : null, cols + blocks);
            int base = (b >> 4) * cols * 16 + (b & 15);
            for (int c = 0; c < cols; c++) {
                q[base + c * 16] = rowQ[c];
            }
            int scaleBase = (b >> 4) * blocks * 16 + (b & 15);
            for (int k = 0; k < blocks; k++) {
                d[scaleBase + k * 16] = rowQ[cols + k];
                if (offsets) {
                    s[scaleBase + k * 16] = rowQ[cols + blocks + k];
                }
            }
        }
        job.activations = q;
        job.activationScales = d;
        job.activationBlockSums = s;
    }

    /**
     * The quantized activations as shorts in the lane order of {@link #nibblesAsShorts}: per block, value j in lane
     * 2j and value 16+j in lane 2j+1.
     */
    private static short[] asNibbleOrderShorts(float[] q, int n, Scratch scratch) {
        short[] shorts = scratch.activationShorts(n);
        for (int block = 0; block < n; block += BLOCK) {
            for (int j = 0; j < BLOCK / 2; j++) {
                shorts[block + 2 * j] = (short) q[block + j];
                shorts[block + 2 * j + 1] = (short) q[block + BLOCK / 2 + j];
            }
        }
        return shorts;
    }

    /**
     * Per activation block, {@link #lanesCentre} times the sum of values 0..15 in the low 16 bits and times the sum of
     * values 16..31 in the high 16 bits (each at most 16 · 16 · 127 in magnitude, so exact as a short): what the
     * nibble kernel subtracts from its two 16-bit partial sums per row to centre them.
     */
    private int[] halfSumCorrections(float[] q, int batch, Scratch scratch) {
        int[] corrections = scratch.activationHalfSums(batch * blocks);
        int centre = lanesCentre();
        for (int k = 0; k < batch * blocks; k++) {
            int low = 0;
            int high = 0;
            for (int j = 0; j < BLOCK / 2; j++) {
                low += (int) q[k * BLOCK + j];
                high += (int) q[k * BLOCK + BLOCK / 2 + j];
            }
            corrections[k] = (centre * high) << 16 | (centre * low) & 0xFFFF;
        }
        return corrections;
    }

    /**
     * The centre the nibble kernel subtracts in its 16-bit lanes: 8 for 4-bit values, 16 for 5-bit ones, so that every
     * centred value is in [-8, 7] or [-16, 15] and 16 products with activations in [-127, 127] sum to at most 32512 in
     * magnitude, exact in a short, whatever the type's own centre (0 for the offset types).
     */
    private int lanesCentre() {
        return layout.fifthBitsAt() < 0 ? 8 : 16;
    }

    /** Σ q_a per activation block (exact integers), for the offset types' re-centring in the nibble kernel. */
    private int[] blockSums(float[] q, int batch, Scratch scratch) {
        int[] sums = scratch.activationSums(batch * blocks);
        for (int k = 0; k < batch * blocks; k++) {
            int sum = 0;
            for (int j = 0; j < BLOCK; j++) {
                sum += (int) q[k * BLOCK + j];
            }
            sums[k] = sum;
        }
        return sums;
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
            if (!SIXTEEN_LANES) {
                for (int i = 0; i < nr; i++) {
                    multiplyRowPlain(r0 + i, job, scratch);
                }
            } else if (job.panel) {
                multiplyTileBatchLanes(r0, nr, job, scratch);
            } else {
                // The tile's scales are converted here rather than in multiplyTileRowLanes: inlined there, their
                // vector code left too little of C2's inlining budget for the first fold level, whose vector
                // operations then fell back to allocating Java code (the 5-bit and offset types).
                float[] wd = scratch.weightScales(TILE * blocks);
                float[] wm = offsets ? scratch.weightOffsets(TILE * blocks) : null;
                chunkScales(t, 0, blocks, wd, wm);
                multiplyTileRowLanes(r0, nr, job, scratch, wd, wm);
            }
        }
    }

    /**
     * The f16 halves at {@code at} within every block (the scale d, or the offset m at 2), transposed per tile so that
     * a block's 16 values are adjacent: row i of tile t, block k at {@code (t·blocks + k)·16 + i}. Rows past the
     * matrix repeat its last row. Gathering them from 16 rows for every block took a third of the decode kernel's
     * time; the copy costs 2 bytes per 32 weights.
     */
    private short[] transposedHalves(int at) {
        short[] table = new short[tileCount() * blocks * TILE];
        for (int t = 0; t < tileCount(); t++) {
            for (int i = 0; i < TILE; i++) {
                long row = Math.min(t * TILE + i, rows - 1) * rowBytes + at;
                for (int k = 0; k < blocks; k++) {
                    table[(t * blocks + k) * TILE + i] = data.get(LittleEndian.SHORT, row + (long) k * blockBytes);
                }
            }
        }
        return table;
    }

    /**
     * Scales of blocks {@code [k0, k0+nk)} of tile t's 16 rows to {@code wd[k·16 + i]} and, for offset types,
     * offsets to {@code wm[k·16 + i]}.
     */
    private void chunkScales(int t, int k0, int nk, float[] wd, float[] wm) {
        int at = (t * blocks + k0) * TILE;
        halvesToFloats(scales, at, wd, nk * TILE);
        if (offsets) {
            halvesToFloats(blockOffsets, at, wm, nk * TILE);
        }
    }

    /**
     * The f16 values {@code h[at..at+n)} (n a multiple of 16) as floats into {@code out[0..n)}, exactly as
     * {@link Float#float16ToFloat} converts each: the magnitude's bits shifted into a float's exponent and fraction
     * fields read 2^-112 times the value for normal and subnormal halves alike, so one exact multiplication by 2^112
     * rescales them; infinities and NaNs take the float exponent of all ones. The vector code stays in this one loop:
     * inlined a level deeper into a kernel, C2 left some of its operations as allocating calls.
     */
    static void halvesToFloats(short[] h, int at, float[] out, int n) {
        for (int i = 0; i < n; i += 16) {
            IntVector bits = (IntVector) ShortVector.fromArray(S16, h, at + i).convertShape(VectorOperators.S2I, I, 0);
            IntVector magnitude = bits.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
            IntVector finite = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            IntVector value = finite.blend(magnitude.or(0x7F800000),
                    magnitude.compare(VectorOperators.GE, 0x7C00 << 13));
            value.or(bits.and(0x80000000)).reinterpretAsFloats().intoArray(out, i);
        }
    }

    /** The row-lane kernel over one tile, whose scales (and offsets) are in wd (and wm) as chunkScales leaves them. */
    private void multiplyTileRowLanes(int r0, int nr, MatmulJob job, Scratch scratch, float[] wd, float[] wm) {
        int batch = job.batch;
        long[] rowAt = scratch.rowOffsets(TILE);
        for (int i = 0; i < TILE; i++) {
            rowAt[Integer.reverse(i) >>> 28] = Math.min(r0 + i, rows - 1) * rowBytes;
        }
        float[] acc = scratch.accumulators(batch * TILE);
        float[] folded = scratch.lanes(8 * TILE * ROW_CHUNK_BLOCKS);
        short[] staged = scratch.stagedShorts(8 * 32 * ROW_CHUNK_BLOCKS);
        for (int k0 = 0; k0 < blocks; k0 += ROW_CHUNK_BLOCKS) {
            int nk = Math.min(ROW_CHUNK_BLOCKS, blocks - k0);
            for (int b = 0; b < batch; b++) {
                int a = b * cols + k0 * BLOCK;
                if (layout.nibbles()) {
                    firstLevelNibbles(rowAt, k0, nk, job.activationShorts, a, staged);
                    finishNibbleLanes(staged, nk, wd, wm, k0 * TILE, job, b * blocks + k0, acc, b * TILE);
                } else {
                    firstLevelBytes(rowAt, k0, nk, job.activationShorts, a, folded);
                    finishRowLanes(folded, nk, wd, k0 * TILE, job, b * blocks + k0, acc, b * TILE);
                }
            }
        }
        float[] out = job.out;
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < nr; i++) {
                out[b * rows + r0 + i] = acc[b * TILE + i];
            }
        }
    }

    /*
     * The row-lane kernel, per activation row and chunk of blocks. Per block, each of the tile's 16 rows gets a vector
     * of lane-wise products, read in place from the mapped weights, and a transposing add tree folds the 16 vectors
     * into one whose lane i is row i's exact block sum; rows sit in bit-reversed slots (row slot s starts at
     * rowAt[s]) so that after four levels lane i holds row i. Per layout, the first level (slot pairs) runs for the
     * whole chunk into a staging buffer, and the remaining levels and the scaling run in a second method; only arrays
     * pass between them. Keeping each piece a method of its own also keeps it under C2's node limits (a method holding
     * more grew past them, and its vector operations fell back to allocating Java code).
     */

    /**
     * Signed-byte types multiply in 16-bit lanes (|q_w · q_a| &lt;= 128 · 127, so products and sums of two are exact
     * there, but not sums of four): a row's block is one 32-lane product vector; the first fold level adds its halves,
     * and adjacent lanes are then summed into 32-bit lanes, leaving lanes 0..7 for one row of the pair and 8..15 for
     * the other, for {@link #finishRowLanes}.
     */
    private void firstLevelBytes(long[] rowAt, int k0, int nk, short[] aq, int a, float[] folded) {
        MemorySegment weights = data;
        long chunkAt = (long) k0 * blockBytes + layout.quantsAt();
        long step = blockBytes;
        for (int j = 0; j < 4; j++) {
            int p = PAIR_OF_ROW[j];
            int q = PAIR_OF_ROW[j + 4];
            long ra = rowAt[2 * p] + chunkAt;
            long rb = rowAt[2 * p + 1] + chunkAt;
            long rc = rowAt[2 * q] + chunkAt;
            long rd = rowAt[2 * q + 1] + chunkAt;
            for (int k = 0; k < nk; k++) {
                ShortVector x = ShortVector.fromArray(S32, aq, a + k * BLOCK);
                ShortVector pa = ((ShortVector) ByteVector.fromMemorySegment(B32, weights, ra + k * step, LE)
                        .convertShape(VectorOperators.B2S, S32, 0)).mul(x);
                ShortVector pb = ((ShortVector) ByteVector.fromMemorySegment(B32, weights, rb + k * step, LE)
                        .convertShape(VectorOperators.B2S, S32, 0)).mul(x);
                ShortVector pc = ((ShortVector) ByteVector.fromMemorySegment(B32, weights, rc + k * step, LE)
                        .convertShape(VectorOperators.B2S, S32, 0)).mul(x);
                ShortVector pd = ((ShortVector) ByteVector.fromMemorySegment(B32, weights, rd + k * step, LE)
                        .convertShape(VectorOperators.B2S, S32, 0)).mul(x);
                IntVector h1 = pa.blend(pb, UPPER16).add(pb.blend(pa, UPPER16).rearrange(SWAP16)).reinterpretAsInts();
                IntVector h2 = pc.blend(pd, UPPER16).add(pd.blend(pc, UPPER16).rearrange(SWAP16)).reinterpretAsInts();
                IntVector s1 = h1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(h1.lanewise(VectorOperators.ASHR, 16));
                IntVector s2 = h2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(h2.lanewise(VectorOperators.ASHR, 16));
                ((FloatVector) s1.convert(VectorOperators.I2F, 0)).intoArray(folded, (k * 8 + p) * 16);
                ((FloatVector) s2.convert(VectorOperators.I2F, 0)).intoArray(folded, (k * 8 + q) * 16);
            }
        }
    }

    /*
     * Nibble types, whole blocks in 16-bit lanes: a row's block is one 32-lane product vector of its stored
     * (uncentred) values and the activations, and all four fold levels run on shorts. The lanes wrap modulo 2^16,
     * which the last step undoes (see finishNibbleLanes).
     */

    /**
     * The first fold level of blocks {@code [k0, k0+nk)}, a slot pair at a time: block k's slots 2p, 2p+1 to
     * {@code staged[(k·8 + p)·32 ..]}; activations from {@code a} on. A block's 32 stored values become shorts with
     * value j (byte j's low nibble) in lane 2j and value 16+j (its high nibble) in lane 2j+1: each byte is
     * zero-extended to an int lane and its high nibble shifted up 12 bits; fifth bits j and 16+j land in bits 4 and
     * 20 of int lane j.
     */
    private void firstLevelNibbles(long[] rowAt, int k0, int nk, short[] aq, int a, short[] staged) {
        MemorySegment weights = data;
        int quantsAt = layout.quantsAt();
        int fifthBitsAt = layout.fifthBitsAt();
        long chunkAt = (long) k0 * blockBytes;
        long step = blockBytes;
        for (int j = 0; j < 8; j++) {
            int p = PAIR_OF_ROW[j];
            long ra = rowAt[2 * p] + chunkAt;
            long rb = rowAt[2 * p + 1] + chunkAt;
            for (int k = 0; k < nk; k++, ra += step, rb += step) {
                ShortVector x = ShortVector.fromArray(S32, aq, a + k * BLOCK);
                IntVector bytesA = (IntVector) ByteVector.fromMemorySegment(B16, weights, ra + quantsAt, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector bytesB = (IntVector) ByteVector.fromMemorySegment(B16, weights, rb + quantsAt, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector qa = bytesA.lanewise(VectorOperators.LSHL, 12).or(bytesA).and(0x000F000F);
                IntVector qb = bytesB.lanewise(VectorOperators.LSHL, 12).or(bytesB).and(0x000F000F);
                if (fifthBitsAt >= 0) {
                    qa = qa.or(IntVector.broadcast(I, BlockBytes.u32(weights, ra + fifthBitsAt))
                            .lanewise(VectorOperators.LSHR, LANE_INDEX).lanewise(VectorOperators.LSHL, 4)
                            .and(0x00100010));
                    qb = qb.or(IntVector.broadcast(I, BlockBytes.u32(weights, rb + fifthBitsAt))
                            .lanewise(VectorOperators.LSHR, LANE_INDEX).lanewise(VectorOperators.LSHL, 4)
                            .and(0x00100010));
                }
                ShortVector pa = qa.reinterpretAsShorts().mul(x);
                ShortVector pb = qb.reinterpretAsShorts().mul(x);
                pa.blend(pb, UPPER16).add(pb.blend(pa, UPPER16).rearrange(SWAP16)).intoArray(staged, (k * 8 + p) * 32);
            }
        }
    }

    /**
     * The remaining fold levels of {@code nk} staged blocks, leaving in int lane i row i's two partial sums over values
     * 0..15 and 16..31, wrapped to 16 bits. Subtracting {@link #lanesCentre} times the activations' partial sums
     * (job.activationHalfSums) leaves the partial sums of the centred products, which fit a short, so the wrapped
     * result is exact; sign-extended and added in 32 bits they make the block sum centred by lanesCentre, which differs
     * from the type's own centre only for the offset types, by a multiple of Σ q_a. Then the accumulators
     * {@code acc[accAt..accAt+16)} advance as in {@link #finishRowLanes}.
     */
    private void finishNibbleLanes(short[] staged, int nk, float[] wd, float[] wm, int scaleAt, MatmulJob job, int d,
            float[] acc, int accAt) {
        int[] corrections = job.activationHalfSums;
        float[] ad = job.activationScales;
        float[] as = job.activationBlockSums;
        int[] sums = job.activationSums;
        int recentre = lanesCentre() - layout.centre();
        FloatVector sum = FloatVector.fromArray(F, acc, accAt);
        for (int k = 0, f = 0; k < nk; k++, f += 8 * 32) {
            // levels 2, 3 and 4 of the fold (as LaneFold's, on 32 short lanes)
            ShortVector a = ShortVector.fromArray(S32, staged, f);
            ShortVector b = ShortVector.fromArray(S32, staged, f + 32);
            ShortVector q0 = a.blend(b, UPPER8_OF_16).add(b.blend(a, UPPER8_OF_16).rearrange(SWAP8_OF_16));
            a = ShortVector.fromArray(S32, staged, f + 64);
            b = ShortVector.fromArray(S32, staged, f + 96);
            ShortVector q1 = a.blend(b, UPPER8_OF_16).add(b.blend(a, UPPER8_OF_16).rearrange(SWAP8_OF_16));
            a = ShortVector.fromArray(S32, staged, f + 128);
            b = ShortVector.fromArray(S32, staged, f + 160);
            ShortVector q2 = a.blend(b, UPPER8_OF_16).add(b.blend(a, UPPER8_OF_16).rearrange(SWAP8_OF_16));
            a = ShortVector.fromArray(S32, staged, f + 192);
            b = ShortVector.fromArray(S32, staged, f + 224);
            ShortVector q3 = a.blend(b, UPPER8_OF_16).add(b.blend(a, UPPER8_OF_16).rearrange(SWAP8_OF_16));
            ShortVector r0 = q0.blend(q1, UPPER4_OF_16).add(q1.blend(q0, UPPER4_OF_16).rearrange(SWAP4_OF_16));
            ShortVector r1 = q2.blend(q3, UPPER4_OF_16).add(q3.blend(q2, UPPER4_OF_16).rearrange(SWAP4_OF_16));
            ShortVector t = r0.blend(r1, UPPER2_OF_16).add(r1.blend(r0, UPPER2_OF_16).rearrange(SWAP2_OF_16));
            IntVector halves = t.sub(IntVector.broadcast(I, corrections[d + k]).reinterpretAsShorts())
                    .reinterpretAsInts();
            IntVector blockSums = halves.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(halves.lanewise(VectorOperators.ASHR, 16));
            FloatVector s = (FloatVector) blockSums.convert(VectorOperators.I2F, 0);
            if (recentre != 0) {
                s = s.add((float) (recentre * sums[d + k]));
            }
            sum = s.fma(FloatVector.fromArray(F, wd, scaleAt + k * TILE).mul(ad[d + k]), sum);
            if (wm != null) {
                sum = FloatVector.fromArray(F, wm, scaleAt + k * TILE).fma(FloatVector.broadcast(F, as[d + k]), sum);
            }
        }
        sum.intoArray(acc, accAt);
    }

    /**
     * Folds the first-level sums of {@code nk} blocks to the 16 rows' block sums and advances the accumulators
     * {@code acc[accAt..accAt+16)}; activation blocks from {@code d} on.
     */
    private static void finishRowLanes(float[] folded, int nk, float[] wd, int scaleAt, MatmulJob job, int d,
            float[] acc, int accAt) {
        float[] ad = job.activationScales;
        FloatVector sum = FloatVector.fromArray(F, acc, accAt);
        for (int k = 0, f = 0; k < nk; k++, f += 8 * 16) {
            // levels 2, 3 and 4 of the fold (LaneFold's masks and shuffles)
            FloatVector a = FloatVector.fromArray(F, folded, f);
            FloatVector b = FloatVector.fromArray(F, folded, f + 16);
            FloatVector d0 = a.blend(b, UPPER4).add(b.blend(a, UPPER4).rearrange(SWAP4));
            a = FloatVector.fromArray(F, folded, f + 32);
            b = FloatVector.fromArray(F, folded, f + 48);
            FloatVector d1 = a.blend(b, UPPER4).add(b.blend(a, UPPER4).rearrange(SWAP4));
            a = FloatVector.fromArray(F, folded, f + 64);
            b = FloatVector.fromArray(F, folded, f + 80);
            FloatVector d2 = a.blend(b, UPPER4).add(b.blend(a, UPPER4).rearrange(SWAP4));
            a = FloatVector.fromArray(F, folded, f + 96);
            b = FloatVector.fromArray(F, folded, f + 112);
            FloatVector d3 = a.blend(b, UPPER4).add(b.blend(a, UPPER4).rearrange(SWAP4));
            FloatVector e0 = d0.blend(d1, UPPER2).add(d1.blend(d0, UPPER2).rearrange(SWAP2));
            FloatVector e1 = d2.blend(d3, UPPER2).add(d3.blend(d2, UPPER2).rearrange(SWAP2));
            FloatVector s = e0.blend(e1, UPPER1).add(e1.blend(e0, UPPER1).rearrange(SWAP1));
            sum = s.fma(FloatVector.fromArray(F, wd, scaleAt + k * TILE).mul(ad[d + k]), sum);
        }
        sum.intoArray(acc, accAt);
    }


    private void multiplyTileBatchLanes(int r0, int nr, MatmulJob job, Scratch scratch) {
        int groups = (job.batch + 15) / 16;
        float[] wq = scratch.weights(TILE * CHUNK);
        float[] wd = scratch.weightScales(TILE * CHUNK_BLOCKS);
        float[] wm = offsets ? scratch.weightOffsets(TILE * CHUNK_BLOCKS) : null;
        float[] acc = scratch.accumulators(TILE * groups * 16);
        for (int k0 = 0; k0 < blocks; k0 += CHUNK_BLOCKS) {
            int nk = Math.min(CHUNK_BLOCKS, blocks - k0);
            chunkScales(r0 / TILE, k0, nk, wd, wm);
            if (layout.nibbles()) {
                widenNibbles(r0, k0, nk, wq);
            } else {
                widenBytes(r0, k0, nk, wq);
            }
            // register tiles of 16 accumulators: 8 rows × 2 batch groups, and 16 rows × 1 group for a last odd group
            int pairs = groups / 2 * 2;
            for (int i = 0; i < nr; i += 8) {
                for (int g = 0; g < pairs; g += 2) {
                    batchLanes8x2(wq, wd, wm, i, g, groups, k0, nk, job, acc);
                }
            }
            if (pairs < groups) {
                batchLanes16x1(wq, wd, wm, pairs, groups, k0, nk, job, acc);
            }
        }
        float[] out = job.out;
        for (int b = 0; b < job.batch; b++) {
            for (int i = 0; i < nr; i++) {
                out[b * rows + r0 + i] = acc[(i * groups + (b >> 4)) * 16 + (b & 15)];
            }
        }
    }

    /**
     * The quants of blocks {@code [k0, k0+nk)} of the tile's 16 rows as floats, block-major: row i's block k at
     * {@code wq[(k·16 + i)·32 ..]}. Rows past the matrix repeat its last row.
     */
    private void widenBytes(int r0, int k0, int nk, float[] wq) {
        MemorySegment weights = data;
        for (int i = 0; i < TILE; i++) {
            long at = Math.min(r0 + i, rows - 1) * rowBytes + (long) k0 * blockBytes + layout.quantsAt();
            for (int k = 0, w = i * BLOCK; k < nk; k++, at += blockBytes, w += TILE * BLOCK) {
                ((FloatVector) ByteVector.fromMemorySegment(B16, weights, at, LE)
                        .convertShape(VectorOperators.B2F, F, 0)).intoArray(wq, w);
                ((FloatVector) ByteVector.fromMemorySegment(B16, weights, at + 16, LE)
                        .convertShape(VectorOperators.B2F, F, 0)).intoArray(wq, w + 16);
            }
        }
    }

    /**
     * As {@link #widenBytes} for nibble types, centred: values 0..15 are the low nibbles, 16..31 the high ones; bit i
     * of a block's fifth-bit word is bit 4 of value i.
     */
    private void widenNibbles(int r0, int k0, int nk, float[] wq) {
        MemorySegment weights = data;
        int quantsAt = layout.quantsAt();
        int fifthBitsAt = layout.fifthBitsAt();
        float centre = layout.centre();
        for (int i = 0; i < TILE; i++) {
            long block = Math.min(r0 + i, rows - 1) * rowBytes + (long) k0 * blockBytes;
            for (int k = 0, w = i * BLOCK; k < nk; k++, block += blockBytes, w += TILE * BLOCK) {
                IntVector packed = (IntVector) ByteVector.fromMemorySegment(B16, weights, block + quantsAt, LE)
                        .convertShape(VectorOperators.B2I, I, 0);
                IntVector low = packed.and(0xF);
                IntVector high = packed.lanewise(VectorOperators.LSHR, 4).and(0xF);
                if (fifthBitsAt >= 0) {
                    int fifthBits = BlockBytes.u32(weights, block + fifthBitsAt);
                    low = low.or(IntVector.broadcast(I, fifthBits << 4).lanewise(VectorOperators.LSHR, LANE_INDEX)
                            .and(0x10));
                    high = high.or(IntVector.broadcast(I, fifthBits >>> 12).lanewise(VectorOperators.LSHR, LANE_INDEX)
                            .and(0x10));
                }
                ((FloatVector) low.convert(VectorOperators.I2F, 0)).sub(centre).intoArray(wq, w);
                ((FloatVector) high.convert(VectorOperators.I2F, 0)).sub(centre).intoArray(wq, w + 16);
            }
        }
    }

    /** Rows i..i+7 of the tile × batch groups g, g+1, blocks k0..k0+nk; accumulators at ((row·groups + g)·16). */
    private void batchLanes8x2(float[] wq, float[] wd, float[] wm, int i, int g, int groups, int k0, int nk,
            MatmulJob job, float[] acc) {
        float[] aq = job.activations;
        float[] ad = job.activationScales;
        float[] as = job.activationBlockSums;
        int rowStride = groups * 16;
        for (int k = 0; k < nk; k++) {
            int w = (k * TILE + i) * BLOCK;
            FloatVector p00 = FloatVector.zero(F), p01 = p00, p10 = p00, p11 = p00, p20 = p00, p21 = p00;
            FloatVector p30 = p00, p31 = p00, p40 = p00, p41 = p00, p50 = p00, p51 = p00;
            FloatVector p60 = p00, p61 = p00, p70 = p00, p71 = p00;
            int a0 = (g * cols + (k0 + k) * BLOCK) * 16;
            int a1 = a0 + cols * 16;
            for (int j = 0; j < BLOCK; j++, w++, a0 += 16, a1 += 16) {
                FloatVector x0 = FloatVector.fromArray(F, aq, a0);
                FloatVector x1 = FloatVector.fromArray(F, aq, a1);
                FloatVector b0 = FloatVector.broadcast(F, wq[w]);
                p00 = b0.fma(x0, p00);
                p01 = b0.fma(x1, p01);
                FloatVector b1 = FloatVector.broadcast(F, wq[w + BLOCK]);
                p10 = b1.fma(x0, p10);
                p11 = b1.fma(x1, p11);
                FloatVector b2 = FloatVector.broadcast(F, wq[w + 2 * BLOCK]);
                p20 = b2.fma(x0, p20);
                p21 = b2.fma(x1, p21);
                FloatVector b3 = FloatVector.broadcast(F, wq[w + 3 * BLOCK]);
                p30 = b3.fma(x0, p30);
                p31 = b3.fma(x1, p31);
                FloatVector b4 = FloatVector.broadcast(F, wq[w + 4 * BLOCK]);
                p40 = b4.fma(x0, p40);
                p41 = b4.fma(x1, p41);
                FloatVector b5 = FloatVector.broadcast(F, wq[w + 5 * BLOCK]);
                p50 = b5.fma(x0, p50);
                p51 = b5.fma(x1, p51);
                FloatVector b6 = FloatVector.broadcast(F, wq[w + 6 * BLOCK]);
                p60 = b6.fma(x0, p60);
                p61 = b6.fma(x1, p61);
                FloatVector b7 = FloatVector.broadcast(F, wq[w + 7 * BLOCK]);
                p70 = b7.fma(x0, p70);
                p71 = b7.fma(x1, p71);
            }
            int sa0 = (g * blocks + k0 + k) * 16;
            int sa1 = sa0 + blocks * 16;
            FloatVector da0 = FloatVector.fromArray(F, ad, sa0);
            FloatVector da1 = FloatVector.fromArray(F, ad, sa1);
            // acc = fma(S, d_w · d_a, acc), then for offset types acc = fma(m_w, s_a, acc)
            int ws = k * TILE + i;
            int at = (i * groups + g) * 16;
            p00.fma(da0.mul(wd[ws]), FloatVector.fromArray(F, acc, at)).intoArray(acc, at);
            p01.fma(da1.mul(wd[ws]), FloatVector.fromArray(F, acc, at + 16)).intoArray(acc, at + 16);
            p10.fma(da0.mul(wd[ws + 1]), FloatVector.fromArray(F, acc, at + rowStride)).intoArray(acc, at + rowStride);
            p11.fma(da1.mul(wd[ws + 1]), FloatVector.fromArray(F, acc, at + rowStride + 16))
                    .intoArray(acc, at + rowStride + 16);
            p20.fma(da0.mul(wd[ws + 2]), FloatVector.fromArray(F, acc, at + 2 * rowStride))
                    .intoArray(acc, at + 2 * rowStride);
            p21.fma(da1.mul(wd[ws + 2]), FloatVector.fromArray(F, acc, at + 2 * rowStride + 16))
                    .intoArray(acc, at + 2 * rowStride + 16);
            p30.fma(da0.mul(wd[ws + 3]), FloatVector.fromArray(F, acc, at + 3 * rowStride))
                    .intoArray(acc, at + 3 * rowStride);
            p31.fma(da1.mul(wd[ws + 3]), FloatVector.fromArray(F, acc, at + 3 * rowStride + 16))
                    .intoArray(acc, at + 3 * rowStride + 16);
            p40.fma(da0.mul(wd[ws + 4]), FloatVector.fromArray(F, acc, at + 4 * rowStride))
                    .intoArray(acc, at + 4 * rowStride);
            p41.fma(da1.mul(wd[ws + 4]), FloatVector.fromArray(F, acc, at + 4 * rowStride + 16))
                    .intoArray(acc, at + 4 * rowStride + 16);
            p50.fma(da0.mul(wd[ws + 5]), FloatVector.fromArray(F, acc, at + 5 * rowStride))
                    .intoArray(acc, at + 5 * rowStride);
            p51.fma(da1.mul(wd[ws + 5]), FloatVector.fromArray(F, acc, at + 5 * rowStride + 16))
                    .intoArray(acc, at + 5 * rowStride + 16);
            p60.fma(da0.mul(wd[ws + 6]), FloatVector.fromArray(F, acc, at + 6 * rowStride))
                    .intoArray(acc, at + 6 * rowStride);
            p61.fma(da1.mul(wd[ws + 6]), FloatVector.fromArray(F, acc, at + 6 * rowStride + 16))
                    .intoArray(acc, at + 6 * rowStride + 16);
            p70.fma(da0.mul(wd[ws + 7]), FloatVector.fromArray(F, acc, at + 7 * rowStride))
                    .intoArray(acc, at + 7 * rowStride);
            p71.fma(da1.mul(wd[ws + 7]), FloatVector.fromArray(F, acc, at + 7 * rowStride + 16))
                    .intoArray(acc, at + 7 * rowStride + 16);
            if (wm != null) {
                FloatVector sa0v = FloatVector.fromArray(F, as, sa0);
                FloatVector sa1v = FloatVector.fromArray(F, as, sa1);
                for (int r = 0, ar = at; r < 8; r++, ar += rowStride) {
                    FloatVector m = FloatVector.broadcast(F, wm[ws + r]);
                    m.fma(sa0v, FloatVector.fromArray(F, acc, ar)).intoArray(acc, ar);
                    m.fma(sa1v, FloatVector.fromArray(F, acc, ar + 16)).intoArray(acc, ar + 16);
                }
            }
        }
    }

    /** All 16 rows of the tile (rows past the matrix repeat its last row) × batch group g. */
    private void batchLanes16x1(float[] wq, float[] wd, float[] wm, int g, int groups, int k0, int nk, MatmulJob job,
            float[] acc) {
        float[] aq = job.activations;
        float[] ad = job.activationScales;
        float[] as = job.activationBlockSums;
        int rowStride = groups * 16;
        for (int k = 0; k < nk; k++) {
            int w0 = k * TILE * BLOCK;
            FloatVector p0 = FloatVector.zero(F), p1 = p0, p2 = p0, p3 = p0, p4 = p0, p5 = p0, p6 = p0, p7 = p0;
            FloatVector p8 = p0, p9 = p0, p10 = p0, p11 = p0, p12 = p0, p13 = p0, p14 = p0, p15 = p0;
            int a0 = (g * cols + (k0 + k) * BLOCK) * 16;
            for (int j = 0, w = w0; j < BLOCK; j++, w++, a0 += 16) {
                FloatVector x0 = FloatVector.fromArray(F, aq, a0);
                p0 = FloatVector.broadcast(F, wq[w]).fma(x0, p0);
                p1 = FloatVector.broadcast(F, wq[w + BLOCK]).fma(x0, p1);
                p2 = FloatVector.broadcast(F, wq[w + 2 * BLOCK]).fma(x0, p2);
                p3 = FloatVector.broadcast(F, wq[w + 3 * BLOCK]).fma(x0, p3);
                p4 = FloatVector.broadcast(F, wq[w + 4 * BLOCK]).fma(x0, p4);
                p5 = FloatVector.broadcast(F, wq[w + 5 * BLOCK]).fma(x0, p5);
                p6 = FloatVector.broadcast(F, wq[w + 6 * BLOCK]).fma(x0, p6);
                p7 = FloatVector.broadcast(F, wq[w + 7 * BLOCK]).fma(x0, p7);
                p8 = FloatVector.broadcast(F, wq[w + 8 * BLOCK]).fma(x0, p8);
                p9 = FloatVector.broadcast(F, wq[w + 9 * BLOCK]).fma(x0, p9);
                p10 = FloatVector.broadcast(F, wq[w + 10 * BLOCK]).fma(x0, p10);
                p11 = FloatVector.broadcast(F, wq[w + 11 * BLOCK]).fma(x0, p11);
                p12 = FloatVector.broadcast(F, wq[w + 12 * BLOCK]).fma(x0, p12);
                p13 = FloatVector.broadcast(F, wq[w + 13 * BLOCK]).fma(x0, p13);
                p14 = FloatVector.broadcast(F, wq[w + 14 * BLOCK]).fma(x0, p14);
                p15 = FloatVector.broadcast(F, wq[w + 15 * BLOCK]).fma(x0, p15);
            }
            int sa = (g * blocks + k0 + k) * 16;
            FloatVector da = FloatVector.fromArray(F, ad, sa);
            // as in batchLanes8x2
            int at = g * 16;
            int w = k * TILE;
            p0.fma(da.mul(wd[w]), FloatVector.fromArray(F, acc, at)).intoArray(acc, at);
            p1.fma(da.mul(wd[w + 1]), FloatVector.fromArray(F, acc, at + rowStride)).intoArray(acc, at + rowStride);
            p2.fma(da.mul(wd[w + 2]), FloatVector.fromArray(F, acc, at + 2 * rowStride))
                    .intoArray(acc, at + 2 * rowStride);
            p3.fma(da.mul(wd[w + 3]), FloatVector.fromArray(F, acc, at + 3 * rowStride))
                    .intoArray(acc, at + 3 * rowStride);
            p4.fma(da.mul(wd[w + 4]), FloatVector.fromArray(F, acc, at + 4 * rowStride))
                    .intoArray(acc, at + 4 * rowStride);
            p5.fma(da.mul(wd[w + 5]), FloatVector.fromArray(F, acc, at + 5 * rowStride))
                    .intoArray(acc, at + 5 * rowStride);
            p6.fma(da.mul(wd[w + 6]), FloatVector.fromArray(F, acc, at + 6 * rowStride))
                    .intoArray(acc, at + 6 * rowStride);
            p7.fma(da.mul(wd[w + 7]), FloatVector.fromArray(F, acc, at + 7 * rowStride))
                    .intoArray(acc, at + 7 * rowStride);
            p8.fma(da.mul(wd[w + 8]), FloatVector.fromArray(F, acc, at + 8 * rowStride))
                    .intoArray(acc, at + 8 * rowStride);
            p9.fma(da.mul(wd[w + 9]), FloatVector.fromArray(F, acc, at + 9 * rowStride))
                    .intoArray(acc, at + 9 * rowStride);
            p10.fma(da.mul(wd[w + 10]), FloatVector.fromArray(F, acc, at + 10 * rowStride))
                    .intoArray(acc, at + 10 * rowStride);
            p11.fma(da.mul(wd[w + 11]), FloatVector.fromArray(F, acc, at + 11 * rowStride))
                    .intoArray(acc, at + 11 * rowStride);
            p12.fma(da.mul(wd[w + 12]), FloatVector.fromArray(F, acc, at + 12 * rowStride))
                    .intoArray(acc, at + 12 * rowStride);
            p13.fma(da.mul(wd[w + 13]), FloatVector.fromArray(F, acc, at + 13 * rowStride))
                    .intoArray(acc, at + 13 * rowStride);
            p14.fma(da.mul(wd[w + 14]), FloatVector.fromArray(F, acc, at + 14 * rowStride))
                    .intoArray(acc, at + 14 * rowStride);
            p15.fma(da.mul(wd[w + 15]), FloatVector.fromArray(F, acc, at + 15 * rowStride))
                    .intoArray(acc, at + 15 * rowStride);
            if (wm != null) {
                FloatVector sav = FloatVector.fromArray(F, as, sa);
                for (int r = 0; r < TILE; r++) {
                    int ar = at + r * rowStride;
                    FloatVector.broadcast(F, wm[w + r]).fma(sav, FloatVector.fromArray(F, acc, ar)).intoArray(acc, ar);
                }
            }
        }
    }

    /** Any vector width: one row, block sums reduced lane-wise (exact), then the same FMA chain. */
    private void multiplyRowPlain(int r, MatmulJob job, Scratch scratch) {
        byte[] wb = scratch.quants(cols);
        float[] wq = scratch.weights(cols);
        quantized.unpackQuants(data, r * rowBytes, blocks, wb, 0, BLOCK);
        for (int c = 0; c < cols; c++) {
            wq[c] = wb[c];
        }
        for (int b = 0; b < job.batch; b++) {
            float acc = 0f;
            for (int k = 0; k < blocks; k++) {
                FloatVector p = FloatVector.zero(F);
                for (int v = 0; v < BLOCK; v += L) {
                    p = FloatVector.fromArray(F, wq, k * BLOCK + v)
                            .fma(FloatVector.fromArray(F, job.activations, b * cols + k * BLOCK + v), p);
                }
                long block = r * rowBytes + (long) k * blockBytes;
                float dw = Q8PartneredFormat.blockScale(data, block);
                acc = Math.fma(p.reduceLanes(VectorOperators.ADD), dw * job.activationScales[b * blocks + k], acc);
                if (offsets) {
                    acc = Math.fma(Q8PartneredFormat.blockOffset(data, block), job.activationBlockSums[b * blocks + k],
                            acc);
                }
            }
            job.out[b * rows + r] = acc;
        }
    }

    @Override
    public void multiplyReference(float[] x, int batch, float[] out) {
        checkOperands(x, batch, out);
        byte[] wq = new byte[cols];
        float[] aq = new float[batch * cols];
        float[] ad = new float[batch * blocks];
        float[] as = offsets ? new float[batch * blocks] : null;
        for (int b = 0; b < batch; b++) {
            Q8Activations.quantizeReference(x, b * cols, cols, aq, b * cols, ad, b * blocks, as);
        }
        for (int r = 0; r < rows; r++) {
            quantized.unpackQuants(data, r * rowBytes, blocks, wq, 0, BLOCK);
            for (int b = 0; b < batch; b++) {
                float acc = 0f;
                for (int k = 0; k < blocks; k++) {
                    int sum = 0;
                    for (int j = 0; j < BLOCK; j++) {
                        sum += wq[k * BLOCK + j] * (int) aq[b * cols + k * BLOCK + j];
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
