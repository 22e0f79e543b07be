package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_K decode (batches below {@link SuperBlockMatrix#PANEL_MIN_BATCH}) reading the quants in place, with 16-bit
 * products ({@link ShortLaneFold}), one tile of {@link #ROWS} rows at a time in three steps, as
 * {@link Q6_KDecodeKernel} does for Q6_K.
 *
 * <p><b>Step 1, {@link #foldedProducts}.</b> A block's 128 bytes of nibbles are read as two halves of 64 bytes, each
 * one int vector V; byte {@code 32c+l} holds value {@code 64c+l} (group 2c) in its low nibble and {@code 64c+32+l}
 * (group 2c+1) in its high nibble. Masking V, V≫8, V≫4 and V≫12 with {@code 0x000F000F} puts the low nibble of the
 * even byte, the low nibble of the odd byte, the high nibble of the even byte, and the high nibble of the odd byte of
 * each short lane into that lane, without a widening conversion; shifts are done on int lanes (one instruction, where
 * short lanes take a count move and a two-µop shift). Each is multiplied by the activations of its values, stored
 * once per multiply in that order ({@link #arrangeActivations}); the even and odd products of the same nibble belong
 * to the same group and are added lane by lane, and the low- and high-nibble vectors are folded once (h = 2) and
 * staged.
 *
 * <p><b>Step 2, {@link #scaledGroupSums}.</b> The second fold level (h = 4) of a block's two staged halves leaves in
 * each short lane 8 products of one group of 32 (|·| ≤ 8·31·127 with Q5_K's five-bit values, still a short), adjacent
 * lanes sharing a group; each int lane adds its two halves, sign-extended, and is multiplied by the group's scale. d
 * and dmin go to float arrays, the eight 6-bit mins as two ints to the tile's min table.
 *
 * <p><b>Step 3, {@link #tileProducts}.</b> Per block, {@link RowSumTree} leaves S of row i in lane i; M, the mins
 * times the activation sums of their groups, is computed for all 16 rows at once from the min table (two rows' mins
 * per vector, one byte of each int lane per group, the activation sums broadcast in pairs) instead of a product and
 * lane reduction per row. Each lane then adds {@code (d·da)·S − (dmin·da)·M} in block order, the float operations of
 * {@link SuperBlockFormat#blockProduct}, so the result is bit-identical to the other kernels.
 *
 * <p>Q5_K shares the layout ahead of the quants, the quants' order and so the arranged activations, steps 2 and 3:
 * only its step 1 differs ({@link Q5_KDecodeKernel}).
 *
 * <p>Each step runs over a whole tile per call and is its own compilation unit; no vector is live across a loop's
 * back edge or passed to a method of ours (see {@link Q6_KDecodeKernel} for why both matter).
 */
final class Q4_KDecodeKernel {
    /** Whether this machine runs the kernel (512-bit vectors). */
    static final boolean AVAILABLE = ShortLaneFold.AVAILABLE;
    /**
     * Shorts of arranged activations per block: 256 values, the eight group sums, padding to keep each block's
     * vectors on 64-byte boundaries.
     */
    static final int SHORTS_PER_BLOCK = 256 + 32;
    /** Rows of a tile. */
    static final int ROWS = RowSumTree.ROWS;
    private static final int BYTES = Q4_KFormat.BYTES;
    private static final int SUMS = 256;

    /** {@code ARRANGED[p]}: the value index (0..255) whose activation goes to position p of the arranged block. */
    private static final int[] ARRANGED = new int[256];
    /** The scale group of int lane j after the fold and pairing, as byte indices for a shuffle of the 8 scales. */
    private static final byte[] INT_LANE_GROUPS = ShortLaneFold.byteIndices(
            j -> 4 * ((j >> 1) & 1) + 2 * ((j >> 3) & 1) + (j & 1));
    private static final short[] CROSS2 = ShortLaneFold.crossIndices(2);
    private static final short[] CROSS4 = ShortLaneFold.crossIndices(4);

    static {
        // half u, nibble (low, high), byte parity b, short lane s: byte 64u + 2s + b of the quants
        for (int u = 0; u < 2; u++) {
            for (int t = 0; t < 4; t++) {
                int nibble = t >> 1;
                int b = t & 1;
                for (int s = 0; s < 32; s++) {
                    int c = 2 * u + (s >> 4);
                    ARRANGED[128 * u + 32 * t + s] = 64 * c + 32 * nibble + 2 * (s & 15) + b;
                }
            }
        }
    }

    private Q4_KDecodeKernel() {
    }

    /**
     * The Q8_K activations {@code q} ({@code batch} rows of {@code cols}, integers with |q| ≤ 127) in the kernel's
     * order, {@link #SHORTS_PER_BLOCK} shorts per block: position p of a block holds its value {@code ARRANGED[p]};
     * then the block's eight group sums from {@code sums} (eight per block, |·| ≤ 32·127).
     */
    static short[] arrangeActivations(float[] q, int[] sums, int batch, int cols, Scratch scratch) {
        int blocks = batch * cols / 256;
        short[] out = scratch.activationShorts(blocks * SHORTS_PER_BLOCK);
        for (int k = 0; k < blocks; k++) {
            int src = 256 * k;
            int dst = SHORTS_PER_BLOCK * k;
            for (int p = 0; p < 256; p++) {
                out[dst + p] = (short) q[src + ARRANGED[p]];
            }
            for (int g = 0; g < PackedScaleMins.GROUPS; g++) {
                out[dst + SUMS + g] = (short) sums[PackedScaleMins.GROUPS * k + g];
            }
        }
        return out;
    }

    /**
     * Step 1, for the {@code count} blocks from byte {@code first} on (a tile's rows follow each other in the
     * weights, so its blocks are consecutive; block i is block i mod {@code blocks} of its row): per block and half
     * u, the products of both nibbles of 64 quant bytes, folded once (h = 2), 32 shorts as 16 ints to
     * {@code stage[32i + 16u ..]} (an int array: see {@link Q6_KDecodeKernel#foldedProducts}).
     */
    static void foldedProducts(MemorySegment w, long first, int count, int blocks, short[] aq, int aOff,
            int[] stage) {
        for (int i = 0, k = 0, a = aOff; i < count; i++) {
            long quants = first + (long) BYTES * i + Q4_KFormat.QS;
            for (int u = 0; u < 2; u++) {
                VectorMask<Short> upper2 = VectorMask.fromLong(ShortLaneFold.S, 0xCCCCCCCCL);
                ShortVector cross2 = ShortVector.fromArray(ShortLaneFold.S, CROSS2, 0);
                IntVector v = IntVector.fromMemorySegment(ShortLaneFold.I, w, quants + 64 * u, SuperBlockFormat.LE);
                int at = a + 128 * u;
                ShortVector low = v.and(0x000F000F).reinterpretAsShorts()
                        .mul(ShortVector.fromArray(ShortLaneFold.S, aq, at))
                        .add(v.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts()
                                .mul(ShortVector.fromArray(ShortLaneFold.S, aq, at + 32)));
                ShortVector high = v.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts()
                        .mul(ShortVector.fromArray(ShortLaneFold.S, aq, at + 64))
                        .add(v.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts()
                                .mul(ShortVector.fromArray(ShortLaneFold.S, aq, at + 96)));
                low.blend(high, upper2).add(cross2.selectFrom(low, high)).reinterpretAsInts()
                        .intoArray(stage, 32 * i + 16 * u);
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
     * Step 2, for the same {@code count} blocks (row i / blocks of the tile, block i mod blocks of the row): each
     * block's scaled group sums as one int vector to {@code groupSums[(16k + slot)·16 ..]}, its d to
     * {@code scales[16k + row]}, its dmin to {@code scales[16·blocks + 16k + row]} and its mins to the min table at
     * {@code groupSums[mins ..]} ({@link #minTableIndex}).
     */
    static void scaledGroupSums(int[] stage, MemorySegment w, long first, int count, int blockBytes, int blocks,
            int[] groupSums, int mins, float[] scales) {
        for (int i = 0, k = 0, r = 0; i < count; i++) {
            VectorMask<Short> upper4 = VectorMask.fromLong(ShortLaneFold.S, 0xF0F0F0F0L);
            ShortVector cross4 = ShortVector.fromArray(ShortLaneFold.S, CROSS4, 0);
            ByteVector laneGroups = ByteVector.fromArray(ShortLaneFold.B16, INT_LANE_GROUPS, 0);
            long blk = first + (long) blockBytes * i;
            ShortVector u0 = IntVector.fromArray(ShortLaneFold.I, stage, 32 * i).reinterpretAsShorts();
            ShortVector u1 = IntVector.fromArray(ShortLaneFold.I, stage, 32 * i + 16).reinterpretAsShorts();
            IntVector f = u0.blend(u1, upper4).add(cross4.selectFrom(u0, u1)).reinterpretAsInts();
            // both halves of each int lane sign-extended and added (Q5_K's 16 products overflow a short)
            IntVector pairs = f.lanewise(VectorOperators.ASHR, 16)
                    .add(f.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
            long head = w.get(LittleEndian.LONG, blk);
            int fieldLow = (int) (head >>> 32);
            int fieldMid = w.get(LittleEndian.INT, blk + ScaleMinSuperBlockFormat.SCALES + 4);
            int fieldHigh = w.get(LittleEndian.INT, blk + ScaleMinSuperBlockFormat.SCALES + 8);
            IntVector laneScales = (IntVector) laneGroups.selectFrom(LongVector.broadcast(LongVector.SPECIES_128,
                    PackedScaleMins.scales(fieldLow, fieldHigh)).reinterpretAsBytes())
                    .convertShape(VectorOperators.B2I, ShortLaneFold.I, 0);
            pairs.mul(laneScales).intoArray(groupSums, (ROWS * k + RowSumTree.slot(r)) * ROWS);
            scales[ROWS * k + r] = Float.float16ToFloat((short) head);
            scales[ROWS * (blocks + k) + r] = Float.float16ToFloat((short) (head >>> 16));
            long blockMins = PackedScaleMins.mins(fieldMid, fieldHigh);
            int at = mins + minTableIndex(k, r);
            groupSums[at] = (int) blockMins;
            groupSums[at + 1] = (int) (blockMins >>> 32);
            if (++k == blocks) {
                k = 0;
                r++;
            }
        }
    }

    /**
     * Where block k of row r keeps its mins in the min table: per block two vectors, even rows then odd rows, row r
     * taking int lanes 2(r/2) (mins 0..3, one byte each) and 2(r/2)+1 (mins 4..7).
     */
    private static int minTableIndex(int k, int r) {
        return 2 * ROWS * k + ROWS * (r & 1) + 2 * (r >> 1);
    }

    /** Ints of {@code groupSums} a tile needs: the slots, the min table and the tree's work area. */
    static int groupSumsLength(int blocks) {
        return ROWS * ROWS * blocks + 2 * ROWS * blocks + RowSumTree.WORK;
    }

    /** Offset of the min table in {@code groupSums}. */
    static int minTable(int blocks) {
        return ROWS * ROWS * blocks;
    }

    /**
     * Step 3, the outputs of a tile's 16 rows to {@code out[0..16)}; rows past the tile's {@code nr} compute from
     * stale entries and are dropped by the caller.
     */
    static void tileProducts(int[] groupSums, float[] scales, int blocks, short[] aq, int aOff, float[] ad, int dOff,
            float[] out) {
        Arrays.fill(out, 0, ROWS, 0f);
        int mins = minTable(blocks);
        int work = mins + 2 * ROWS * blocks;
        for (int k = 0, a = aOff + SUMS; k < blocks; k++, a += SHORTS_PER_BLOCK) {
            RowSumTree.rowSums(groupSums, ROWS * ROWS * k, work);
            IntVector s = IntVector.fromArray(ShortLaneFold.I, groupSums, work + RowSumTree.RESULT);
            VectorMask<Integer> upper1 = VectorMask.fromLong(ShortLaneFold.I, 0xAAAAL);
            IntVector cross1 = IntVector.fromArray(ShortLaneFold.I, RowSumTree.CROSS, RowSumTree.CROSS1);
            IntVector even = IntVector.fromArray(ShortLaneFold.I, groupSums, mins + 2 * ROWS * k);
            IntVector odd = IntVector.fromArray(ShortLaneFold.I, groupSums, mins + 2 * ROWS * k + ROWS);
            // group g's min sits in byte g mod 4 of int lanes 2p + g/4: pair the sums of g and g+4 alike
            IntVector sums0 = LongVector.broadcast(LongVector.SPECIES_512, groupSumPair(aq, a, 0)).reinterpretAsInts();
            IntVector sums1 = LongVector.broadcast(LongVector.SPECIES_512, groupSumPair(aq, a, 1)).reinterpretAsInts();
            IntVector sums2 = LongVector.broadcast(LongVector.SPECIES_512, groupSumPair(aq, a, 2)).reinterpretAsInts();
            IntVector sums3 = LongVector.broadcast(LongVector.SPECIES_512, groupSumPair(aq, a, 3)).reinterpretAsInts();
            IntVector me = even.and(0xFF).mul(sums0)
                    .add(even.lanewise(VectorOperators.LSHR, 8).and(0xFF).mul(sums1))
                    .add(even.lanewise(VectorOperators.LSHR, 16).and(0xFF).mul(sums2))
                    .add(even.lanewise(VectorOperators.LSHR, 24).mul(sums3));
            IntVector mo = odd.and(0xFF).mul(sums0)
                    .add(odd.lanewise(VectorOperators.LSHR, 8).and(0xFF).mul(sums1))
                    .add(odd.lanewise(VectorOperators.LSHR, 16).and(0xFF).mul(sums2))
                    .add(odd.lanewise(VectorOperators.LSHR, 24).mul(sums3));
            // lane r: both halves of row r's mins, from the even rows' vector or the odd rows'
            IntVector m = me.blend(mo, upper1).add(cross1.selectFrom(me, mo));
            float da = ad[dOff + k];
            FloatVector p = FloatVector.fromArray(FloatVector.SPECIES_512, scales, ROWS * k).mul(da)
                    .mul((FloatVector) s.convert(VectorOperators.I2F, 0));
            FloatVector q = FloatVector.fromArray(FloatVector.SPECIES_512, scales, ROWS * (blocks + k)).mul(da)
                    .mul((FloatVector) m.convert(VectorOperators.I2F, 0));
            FloatVector.fromArray(FloatVector.SPECIES_512, out, 0).add(p.sub(q)).intoArray(out, 0);
        }
    }

    /**
     * The activation sums of groups g and g+4 of the block whose sums start at {@code aq[a]}, as the low and high int
     * of a long (broadcast, int lanes alternate them).
     */
    private static long groupSumPair(short[] aq, int a, int g) {
        return (aq[a + g] & 0xFFFFFFFFL) | ((long) aq[a + g + 4] << 32);
    }
}
