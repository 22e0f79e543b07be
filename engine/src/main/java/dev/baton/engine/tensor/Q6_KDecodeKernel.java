package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Q6_K decode (batches below {@link SuperBlockMatrix#PANEL_MIN_BATCH}) reading the quants in place, with 16-bit
 * products ({@link ShortLaneFold}), one tile of {@link #ROWS} rows at a time in three steps.
 *
 * <p><b>Step 1, {@link #foldedProducts}.</b> Per block, the 128 bytes of low nibbles are loaded as two 32-short
 * vectors A (half 0) and B (half 1), the 64 bytes of high pairs as one, H. Short lane s of
 * {@code X = [A lanes 0..15, B lanes 0..15]} holds ql bytes {@code l, l+1} (l = 2·(s mod 16)) of half s/16, whose high
 * bits sit in the same short of H; {@code Y} (lanes 16..31 of A and B) holds bytes {@code 32+l, 33+l}, high bits again
 * in H's lane s. So one shift of H puts the two high bits of both bytes of a lane at bits 4–5 next to their nibbles,
 * and one bitwise blend ({@code vpternlogd}) takes bits 0–3 of each byte from the nibbles and bits 4–7 from H:
 * quarter q's 64 six-bit values become one vector of two bytes per lane, <em>uncentred</em> (0..63), with another
 * quarter's high bits left in bits 6–7: value {@code 128h + 32q + l + b} in bits 0–5 of byte b of lane s. The masks
 * that split even and odd bytes keep bits 0–5 only, so those leftovers cost nothing (masking H first cost one
 * operation per quarter). Even and odd bytes are multiplied separately with the activations,
 * which are stored once per multiply in that order ({@link #arrangeActivations}), and added lane by lane (same scale
 * group). Quarters u and u+2 are folded once (h = 2) and staged. Shifts are done on int lanes: C2 emits shifts by a
 * constant as one instruction for ints but as a count register move plus a two-µop shift for shorts.
 *
 * <p><b>Step 2, {@link #scaledGroupSums}.</b> The second fold level (h = 4) leaves in each lane a sum of 8 products of
 * one group of 16, lanes 2j and 2j+1 holding its two halves. The lanes wrap modulo 2^16, but the centred sum
 * {@code Σ (q−32)·a} is at most 8·32·127 = 32512 in magnitude, so subtracting {@code 32·Σa} over the same 8 values
 * (stored with the activations) leaves it exactly: centring costs one subtraction per block instead of one per 64
 * values. Each int lane adds its two halves (sign-extended) and is multiplied by its group's scale.
 *
 * <p><b>Step 3, {@link #tileProducts}.</b> A transposing add tree ({@link RowSumTree}) over the 16 rows' int vectors
 * of a block gives S of row i in lane i (instead of a lane reduction per block and row, which cost as much as step 2),
 * and the float combination runs in 16 lanes, in block order with the operations of
 * {@link SuperBlockFormat#blockProduct}, so the result is bit-identical to the other kernels.
 *
 * <p>Steps 1 and 2 run over {@link #CHUNK} consecutive blocks of a tile per call, step 3 over the whole tile: with
 * 3-block rows (768 columns) the per-call set-up of a per-row call took a fifth of the time, and with long rows
 * (TinyLlama's 5632 columns: 352 blocks per tile) a whole tile's stage (45 KiB) and blocks (74 KiB) no longer fit L1
 * between step 1 and step 2. No vector is live across a loop's back edge: an on-stack-replacement compile sees
 * such a vector only with its declared type, cannot bind its operations statically and boxes them (a model's first
 * tiles trigger those compiles; measured: 300 young collections in a 128-token bench instead of 16, decode a third
 * slower), so masks and index vectors are made inside the loops (C2 hoists them) and the accumulators go through
 * {@code out}. No vector is passed to or returned from a method of ours either (a call C2 does not inline boxes it;
 * {@code StepAllocatesNothingTest} forbids all such inlining). A tile's rows follow each other in the weights, so
 * its blocks are consecutive and walked in one ascending run. Each step is its own compilation unit: together they
 * pass C2's inlining node limit.
 */
final class Q6_KDecodeKernel {
    /** Whether this machine runs the kernel (512-bit vectors). */
    static final boolean AVAILABLE = ShortLaneFold.AVAILABLE;
    /** Shorts of arranged activations per block: 256 values, then the 32 lanes' centring terms. */
    static final int SHORTS_PER_BLOCK = 256 + 32;
    /** Rows of a tile: the fold tree of {@link #tileProducts} puts one row per int lane, so 16. */
    static final int ROWS = RowSumTree.ROWS;
    private static final int BYTES = Q6_KFormat.BYTES;
    /** Blocks per call of steps 1 and 2: a 768-column tile whole, longer tiles in pieces whose stage stays in L1. */
    static final int CHUNK = 48;

    /** {@code ARRANGED[p]}: the value index (0..255) whose activation goes to position p of the arranged block. */
    private static final int[] ARRANGED = new int[256];
    /** The scale group of int lane j after the fold and pairing, as byte indices for a shuffle of the 16 scales. */
    private static final byte[] INT_LANE_GROUPS = new byte[16];
    /** Short indices that gather lanes 0..15 of two vectors (X), then lanes 16..31 (Y). */
    private static final short[] XY_LANES = new short[64];
    /** Levels h = 2 and 4 of the fold. */
    private static final short[] CROSS2 = ShortLaneFold.crossIndices(2);
    private static final short[] CROSS4 = ShortLaneFold.crossIndices(4);

    static {
        for (int q = 0; q < 4; q++) {
            for (int b = 0; b < 2; b++) {
                for (int s = 0; s < 32; s++) {
                    ARRANGED[64 * q + 32 * b + s] = 128 * (s >> 4) + 32 * q + 2 * (s & 15) + b;
                }
            }
        }
        for (int j = 0; j < 16; j++) {
            int quarter = ((j >> 1) & 1) + 2 * (j & 1);
            INT_LANE_GROUPS[j] = (byte) (8 * ((j >> 3) & 1) + 2 * quarter + ((j >> 2) & 1));
        }
        for (int s = 0; s < 32; s++) {
            XY_LANES[s] = (short) (s < 16 ? s : 16 + s);
            XY_LANES[32 + s] = (short) (XY_LANES[s] + 16);
        }
    }

    private Q6_KDecodeKernel() {
    }

    /**
     * The Q8_K activations {@code q} ({@code batch} rows of {@code cols}, integers with |q| ≤ 127) in the kernel's
     * order, {@link #SHORTS_PER_BLOCK} shorts per block: position p of a block holds its value {@code ARRANGED[p]};
     * after the 256 values, lane s of the second fold level holds 32 times the sum of the 8 activations that end in
     * it.
     */
    static short[] arrangeActivations(float[] q, int batch, int cols, Scratch scratch) {
        int blocks = batch * cols / 256;
        short[] out = scratch.activationShorts(blocks * SHORTS_PER_BLOCK);
        for (int k = 0; k < blocks; k++) {
            int src = 256 * k;
            int dst = SHORTS_PER_BLOCK * k;
            for (int p = 0; p < 256; p++) {
                out[dst + p] = (short) q[src + ARRANGED[p]];
            }
            for (int s = 0; s < 32; s++) {
                int quarter = ((s >> 2) & 1) + 2 * ((s >> 1) & 1);
                int sum = 0;
                for (int t = 0; t < 8; t += 2) {
                    int lane = s ^ t;
                    sum += out[dst + 64 * quarter + lane] + out[dst + 64 * quarter + 32 + lane];
                }
                out[dst + 256 + s] = (short) (32 * sum);
            }
        }
        return out;
    }

    /**
     * Step 1, for the {@code count} blocks from byte {@code first} on, which are blocks {@code start ..} of their
     * tile (a tile's rows follow each other in the weights, so its blocks are consecutive; tile block j is block
     * j mod {@code blocks} of its row): per block and u
     * (0, 1), quarters u and u+2 (both from X for u = 0, from Y for u = 1) multiplied and folded once (h = 2), 32
     * shorts per half as 16 ints to {@code stage[32i + 16u ..]}. One half per loop iteration keeps the method small
     * enough for C2 to inline every vector operation; one call per chunk keeps the per-call set-up off the rows. The
     * stage is an int array so that its stores cannot alias the short arrays the loop reads: with a short stage, C2
     * reloaded the permute indices from their arrays (and re-masked them) in every iteration instead of hoisting them.
     */
    static void foldedProducts(MemorySegment w, long first, int start, int count, int blocks, short[] aq, int aOff,
            int[] stage) {
        int k0 = start % blocks;
        for (int i = 0, k = k0, a = aOff + SHORTS_PER_BLOCK * k0; i < count; i++) {
            long blk = first + (long) BYTES * i;
            for (int u = 0; u < 2; u++) {
                ShortVector lanes = ShortVector.fromArray(ShortLaneFold.S, XY_LANES, 32 * u);
                VectorMask<Short> upper2 = VectorMask.fromLong(ShortLaneFold.S, 0xCCCCCCCCL);
                ShortVector cross2 = ShortVector.fromArray(ShortLaneFold.S, CROSS2, 0);
                IntVector lowA = IntVector.fromMemorySegment(ShortLaneFold.I, w, blk + Q6_KFormat.QL,
                        SuperBlockFormat.LE);
                IntVector lowB = IntVector.fromMemorySegment(ShortLaneFold.I, w, blk + Q6_KFormat.QL + 64,
                        SuperBlockFormat.LE);
                IntVector high = IntVector.fromMemorySegment(ShortLaneFold.I, w, blk + Q6_KFormat.QH,
                        SuperBlockFormat.LE);
                IntVector low = lanes.selectFrom(lowA.reinterpretAsShorts(),
                        lowB.reinterpretAsShorts()).reinterpretAsInts();
                IntVector firstQuarter = high.lanewise(VectorOperators.LSHL, 4 - 2 * u)
                        .lanewise(VectorOperators.BITWISE_BLEND, low, 0x0F0F0F0F);
                IntVector thirdQuarter = high.lanewise(VectorOperators.LSHR, 2 * u)
                        .lanewise(VectorOperators.BITWISE_BLEND, low.lanewise(VectorOperators.LSHR, 4), 0x0F0F0F0F);
                int at = a + 64 * u;
                ShortVector p = firstQuarter.and(0x003F003F).reinterpretAsShorts()
                        .mul(ShortVector.fromArray(ShortLaneFold.S, aq, at))
                        .add(firstQuarter.lanewise(VectorOperators.LSHR, 8).and(0x003F003F).reinterpretAsShorts()
                                .mul(ShortVector.fromArray(ShortLaneFold.S, aq, at + 32)));
                ShortVector q = thirdQuarter.and(0x003F003F).reinterpretAsShorts()
                        .mul(ShortVector.fromArray(ShortLaneFold.S, aq, at + 128))
                        .add(thirdQuarter.lanewise(VectorOperators.LSHR, 8).and(0x003F003F).reinterpretAsShorts()
                                .mul(ShortVector.fromArray(ShortLaneFold.S, aq, at + 160)));
                p.blend(q, upper2).add(cross2.selectFrom(p, q)).reinterpretAsInts().intoArray(stage, 32 * i + 16 * u);
            }
            if (++k == blocks) {
                k = 0;
                a = aOff;
            } else {
                a += SHORTS_PER_BLOCK;
            }
        }
    }

    /**
     * Step 2, for the same {@code count} blocks (tile block j is in row j / blocks, block j mod blocks): each
     * block's 16 scale-group sums, scaled, as one int vector to {@code groupSums[(16k + slot)·16 ..]}, and its d to
     * {@code d[16k + row]}: the second fold level (h = 4) of the block's two staged halves, the centring terms
     * subtracted, each int lane's two halves added and multiplied by its group's scale.
     */
    static void scaledGroupSums(int[] stage, MemorySegment w, long first, int start, int count, int blocks,
            short[] aq, int aOff, int[] groupSums, float[] d) {
        int k0 = start % blocks;
        for (int i = 0, k = k0, r = start / blocks, a = aOff + 256 + SHORTS_PER_BLOCK * k0; i < count; i++) {
            VectorMask<Short> upper4 = VectorMask.fromLong(ShortLaneFold.S, 0xF0F0F0F0L);
            ShortVector cross4 = ShortVector.fromArray(ShortLaneFold.S, CROSS4, 0);
            ByteVector laneGroups = ByteVector.fromArray(ShortLaneFold.B16, INT_LANE_GROUPS, 0);
            long blk = first + (long) BYTES * i;
            ShortVector u0 = IntVector.fromArray(ShortLaneFold.I, stage, 32 * i).reinterpretAsShorts();
            ShortVector u1 = IntVector.fromArray(ShortLaneFold.I, stage, 32 * i + 16).reinterpretAsShorts();
            IntVector halves = u0.blend(u1, upper4).add(cross4.selectFrom(u0, u1))
                    .sub(ShortVector.fromArray(ShortLaneFold.S, aq, a)).reinterpretAsInts();
            IntVector groups = halves.lanewise(VectorOperators.ASHR, 16)
                    .add(halves.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
            IntVector laneScales = (IntVector) laneGroups.selectFrom(ByteVector.fromMemorySegment(ShortLaneFold.B16, w,
                    blk + Q6_KFormat.SCALES, SuperBlockFormat.LE)).convertShape(VectorOperators.B2I, ShortLaneFold.I, 0);
            groups.mul(laneScales).intoArray(groupSums, (ROWS * k + RowSumTree.slot(r)) * ROWS);
            d[ROWS * k + r] = Float.float16ToFloat(w.get(LittleEndian.SHORT, blk + Q6_KFormat.D));
            if (++k == blocks) {
                k = 0;
                r++;
                a = aOff + 256;
            } else {
                a += SHORTS_PER_BLOCK;
            }
        }
    }

    /**
     * Zeroes the slots and scales of rows {@code nr..15}, so that a partial tile's missing rows add nothing (their
     * outputs are dropped).
     */
    static void clearMissingRows(int nr, int blocks, int[] groupSums, float[] d) {
        for (int r = nr; r < ROWS; r++) {
            for (int k = 0; k < blocks; k++) {
                int at = (ROWS * k + RowSumTree.slot(r)) * ROWS;
                Arrays.fill(groupSums, at, at + ROWS, 0);
                d[ROWS * k + r] = 0f;
            }
        }
    }

    /**
     * Step 3, the outputs of a tile's 16 rows to {@code out[0..16)}: per block, {@link RowSumTree} over the 16 slots'
     * vectors leaves S of row i in lane i, and each lane adds {@code (d·da)·S} to its accumulator in block order, the
     * float operations of {@link SuperBlockFormat#blockProduct}. {@code groupSums} has room for the tree's
     * {@link RowSumTree#WORK} ints after the slots.
     */
    static void tileProducts(int[] groupSums, float[] d, int blocks, float[] ad, int dOff, float[] out) {
        Arrays.fill(out, 0, ROWS, 0f);
        int work = ROWS * ROWS * blocks;
        for (int k = 0; k < blocks; k++) {
            RowSumTree.rowSums(groupSums, ROWS * ROWS * k, work);
            IntVector s = IntVector.fromArray(ShortLaneFold.I, groupSums, work + RowSumTree.RESULT);
            FloatVector.fromArray(FloatVector.SPECIES_512, out, 0)
                    .add(FloatVector.fromArray(FloatVector.SPECIES_512, d, ROWS * k).mul(ad[dOff + k])
                            .mul((FloatVector) s.convert(VectorOperators.I2F, 0)))
                    .intoArray(out, 0);
        }
    }
}
