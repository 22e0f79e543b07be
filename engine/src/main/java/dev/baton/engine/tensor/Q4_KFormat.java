package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q4_K: super-blocks of 256 values in 144 bytes — f16 d, f16 dmin, 12 bytes of packed 6-bit scales and mins
 * (one pair per group of 32), then 128 bytes of 4-bit quants. Value = d·scale_j·q − dmin·min_j. Byte {@code 32c+l}
 * holds value {@code 64c+l} in its low nibble and {@code 64c+32+l} in its high nibble.
 */
final class Q4_KFormat extends ScaleMinSuperBlockFormat {
    static final int QK = 256;
    static final int BYTES = 144;
    static final int QS = 16;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    /** ggml's quantize_row_q4_K_ref (the path llama-quantize takes without an importance matrix). */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        BlockBytes.checkBlocks(GgmlType.Q4_K, n);
        byte[] block = new byte[BYTES];
        byte[] levels = new byte[QK];
        PackedScaleMins.Scratch scratch = new PackedScaleMins.Scratch();
        for (int b = 0; b < n / QK; b++) {
            PackedScaleMins.fit(src, srcOff + b * QK, 15, -1.f, 0.1f, 20, block, levels, scratch);
            for (int c = 0; c < 4; c++) {
                for (int l = 0; l < 32; l++) {
                    block[QS + 32 * c + l] = (byte) (levels[64 * c + l] | (levels[64 * c + 32 + l] << 4));
                }
            }
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, dstOff + (long) b * BYTES, BYTES);
        }
    }

    /** Byte {@code 32c+l}: low nibble is value {@code 64c+l}, high nibble value {@code 64c+32+l}. */
    @Override
    void unpack(MemorySegment w, long blk, UnpackedSuperBlock u) {
        for (int c = 0; c < 4; c++) {
            ByteVector raw = ByteVector.fromMemorySegment(B32, w, blk + QS + 32 * c, LE);
            raw.and((byte) 0xF).intoArray(u.quants, 64 * c);
            raw.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0xF)
                    .intoArray(u.quants, 64 * c + 32);
        }
        unpackHeader(w, blk, u);
    }

    @Override
    int dotReference(MemorySegment w, long blk, float[] a, int aOff) {
        int total = 0;
        for (int j = 0; j < 8; j++) {
            int sum = 0;
            for (int i = 0; i < 32; i++) {
                int e = 32 * j + i;
                int q = BlockBytes.u8(w, blk + QS + 32 * (e / 64) + (e % 32));
                q = (e % 64) < 32 ? q & 0xF : q >> 4;
                sum += q * (int) a[aOff + e];
            }
            total += PackedScaleMins.scale(w, blk + SCALES, j) * sum;
        }
        return total;
    }

    /** The group of int lane j after {@link #blockSums}' fold and pair sum: bytes of the scales' long. */
    private static final byte[] INT_LANE_GROUPS = ShortLaneFold.byteIndices(j -> j >> 1);

    @Override
    boolean readsInPlace() {
        return ShortLaneFold.AVAILABLE;
    }

    /**
     * First fold level of a row of Q4_K blocks to {@code stage}: byte {@code 32c+l} of a block's quants holds value
     * {@code 64c+l} (group 2c) in its low nibble and {@code 64c+32+l} (group 2c+1) in its high nibble; the two
     * groups' products are folded at level 4.
     */
    @Override
    void firstFoldLevel(MemorySegment w, long row, int blocks, short[] aq, int aOff, short[] stage) {
        VectorMask<Short> upper = VectorMask.fromLong(ShortLaneFold.S, ShortLaneFold.upperBits(4));
        ShortVector cross = ShortVector.fromArray(ShortLaneFold.S, ShortLaneFold.crossIndices(4), 0);
        long quants = row + QS;
        for (int k = 0, a = aOff, st = 0; k < blocks; k++, quants += BYTES) {
            for (int c = 0; c < 4; c++, a += 64, st += 32) {
                // sign-extended bytes, masked (the zero-extending conversion is not intrinsified on JDK 25)
                ShortVector q = (ShortVector) ByteVector.fromMemorySegment(ShortLaneFold.B32, w, quants + 32 * c,
                        ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2S, ShortLaneFold.S, 0);
                ShortVector low = q.and((short) 0xF).mul(ShortVector.fromArray(ShortLaneFold.S, aq, a));
                ShortVector high = q.lanewise(VectorOperators.LSHR, 4).and((short) 0xF)
                        .mul(ShortVector.fromArray(ShortLaneFold.S, aq, a + 32));
                low.blend(high, upper).add(cross.selectFrom(low, high)).intoArray(stage, st);
            }
        }
    }

    /**
     * S of every block of a row to {@code sums[2k]}, from its four first-level vectors: levels 8 and 16 leave in lane
     * i eight products of group i/4. Adjacent lanes then share a group and their sum, 16 products of at most
     * 15·127, still fits a short, so they are added within each int lane (no widening) before the group scales
     * multiply them. M, the eight mins times the activations' group sums, to {@code sums[2k+1]}.
     */
    @Override
    void blockSums(short[] stage, MemorySegment w, long row, int blocks, int[] asums, int sOff, int[] sums) {
        VectorMask<Short> upper8 = VectorMask.fromLong(ShortLaneFold.S, ShortLaneFold.upperBits(8));
        ShortVector cross8 = ShortVector.fromArray(ShortLaneFold.S, ShortLaneFold.crossIndices(8), 0);
        VectorMask<Short> upper16 = VectorMask.fromLong(ShortLaneFold.S, ShortLaneFold.upperBits(16));
        ShortVector cross16 = ShortVector.fromArray(ShortLaneFold.S, ShortLaneFold.crossIndices(16), 0);
        ByteVector laneGroups = ByteVector.fromArray(ShortLaneFold.B16, INT_LANE_GROUPS, 0);
        long blk = row;
        for (int k = 0, at = 0, s = sOff; k < blocks; k++, blk += BYTES, at += ShortLaneFold.STAGE_PER_BLOCK,
                s += PackedScaleMins.GROUPS) {
            ShortVector s0 = ShortVector.fromArray(ShortLaneFold.S, stage, at);
            ShortVector s1 = ShortVector.fromArray(ShortLaneFold.S, stage, at + 32);
            ShortVector s2 = ShortVector.fromArray(ShortLaneFold.S, stage, at + 64);
            ShortVector s3 = ShortVector.fromArray(ShortLaneFold.S, stage, at + 96);
            ShortVector x = s0.blend(s1, upper8).add(cross8.selectFrom(s0, s1));
            ShortVector y = s2.blend(s3, upper8).add(cross8.selectFrom(s2, s3));
            IntVector f = x.blend(y, upper16).add(cross16.selectFrom(x, y)).reinterpretAsInts();
            // the high half of each int lane becomes the sum of both halves, then is shifted down with its sign
            IntVector pairs = f.add(f.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16);
            int fieldLow = w.get(LittleEndian.INT, blk + SCALES);
            int fieldMid = w.get(LittleEndian.INT, blk + SCALES + 4);
            int fieldHigh = w.get(LittleEndian.INT, blk + SCALES + 8);
            IntVector laneScales = (IntVector) laneGroups.selectFrom(LongVector.broadcast(LongVector.SPECIES_128,
                    PackedScaleMins.scales(fieldLow, fieldHigh)).reinterpretAsBytes())
                    .convertShape(VectorOperators.B2I, ShortLaneFold.I, 0);
            sums[2 * k] = pairs.mul(laneScales).reduceLanes(VectorOperators.ADD);
            IntVector mins = (IntVector) LongVector.broadcast(LongVector.SPECIES_128,
                    PackedScaleMins.mins(fieldMid, fieldHigh)).reinterpretAsBytes()
                    .convertShape(VectorOperators.B2I, IntVector.SPECIES_256, 0);
            sums[2 * k + 1] = mins.mul(IntVector.fromArray(IntVector.SPECIES_256, asums, s))
                    .reduceLanes(VectorOperators.ADD);
        }
    }
}
