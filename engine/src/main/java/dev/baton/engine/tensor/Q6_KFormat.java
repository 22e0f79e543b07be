package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q6_K: super-blocks of 256 values in 210 bytes — 128 bytes of low nibbles, 64 bytes of high 2-bit pairs,
 * 16 signed 8-bit scales (one per group of 16), f16 d. Value = d·scale_j·(q − 32). In half h (values 128h…128h+127),
 * byte {@code l} of its 64 low-nibble bytes and byte {@code l} of its 32 high-bit bytes hold values
 * l, l+32, l+64, l+96 (low nibbles of bytes l and l+32, then their high nibbles; high bits in pairs from bit 0).
 */
final class Q6_KFormat extends SuperBlockFormat {
    static final int QK = 256;
    static final int BYTES = 210;
    static final int QL = 0;
    static final int QH = 128;
    static final int SCALES = 192;
    static final int D = 208;

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    /** The 6-bit value {@code e} (0..255) of the block at {@code blk}, centred: −32..31. */
    static int value(MemorySegment s, long blk, int e) {
        int h = e >> 7;
        int k = e & 127;
        int l = k & 31;
        int quarter = k >> 5;
        int low = BlockBytes.u8(s, blk + QL + 64 * h + l + 32 * (quarter & 1));
        low = (quarter & 2) == 0 ? low & 0xF : low >> 4;
        int high = (BlockBytes.u8(s, blk + QH + 32 * h + l) >> (2 * quarter)) & 3;
        return (low | (high << 4)) - 32;
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        BlockBytes.checkBlocks(GgmlType.Q6_K, n);
        for (int b = 0; b < n / QK; b++) {
            long blk = srcOff + (long) b * BYTES;
            float d = BlockBytes.f16(src, blk + D);
            int out = dstOff + b * QK;
            for (int e = 0; e < QK; e++) {
                dst[out + e] = d * BlockBytes.s8(src, blk + SCALES + (e >> 4)) * value(src, blk, e);
            }
        }
    }

    /** ggml's quantize_row_q6_K_ref. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        BlockBytes.checkBlocks(GgmlType.Q6_K, n);
        byte[] block = new byte[BYTES];
        byte[] levels = new byte[QK];
        float[] scales = new float[QK / 16];
        for (int b = 0; b < n / QK; b++) {
            int x = srcOff + b * QK;
            java.util.Arrays.fill(block, (byte) 0);
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int g = 0; g < QK / 16; g++) {
                float scale = ScaleSearch.symmetricWeighted(16, 32, src, x + 16 * g, levels, 16 * g);
                scales[g] = scale;
                if (Math.abs(scale) > maxAbsScale) {
                    maxAbsScale = Math.abs(scale);
                    maxScale = scale;
                }
            }
            if (maxAbsScale >= ScaleSearch.GROUP_MAX_EPS) {
                float iscale = -128.f / maxScale;
                BlockBytes.putF16(block, D, 1 / iscale);
                float d = BlockBytes.f16(block, D);
                for (int g = 0; g < QK / 16; g++) {
                    block[SCALES + g] = (byte) Math.min(127, ScaleSearch.nearestInt(iscale * scales[g]));
                }
                for (int g = 0; g < QK / 16; g++) {
                    float dg = d * block[SCALES + g];
                    if (dg == 0) {
                        continue;
                    }
                    for (int i = 0; i < 16; i++) {
                        int l = ScaleSearch.nearestInt(src[x + 16 * g + i] / dg);
                        levels[16 * g + i] = (byte) (ScaleSearch.clamp(l, -32, 31) + 32);
                    }
                }
                for (int h = 0; h < 2; h++) {
                    int base = 128 * h;
                    for (int l = 0; l < 32; l++) {
                        int q1 = levels[base + l];
                        int q2 = levels[base + l + 32];
                        int q3 = levels[base + l + 64];
                        int q4 = levels[base + l + 96];
                        block[QL + 64 * h + l] = (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4));
                        block[QL + 64 * h + l + 32] = (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4));
                        block[QH + 32 * h + l] = (byte) ((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
                    }
                }
            }
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, dstOff + (long) b * BYTES, BYTES);
        }
    }

    @Override
    boolean hasMins() {
        return false;
    }

    @Override
    float blockScale(MemorySegment w, long blk) {
        return BlockBytes.f16(w, blk + D);
    }

    /**
     * Per half and per L columns: the four 6-bit values l, l+32, l+64, l+96 are rebuilt one quarter at a time; each
     * L-value vector lies in one group of 16 and is scaled on its own. One accumulator
     * per half keeps every lane below 2^24 whatever L.
     */
    @Override
    int dot(MemorySegment w, long blk, float[] a, int aOff) {
        long scalesLo = w.get(LittleEndian.LONG, blk + SCALES);
        long scalesHi = w.get(LittleEndian.LONG, blk + SCALES + 8);
        int total = 0;
        for (int h = 0; h < 2; h++) {
            long scales = h == 0 ? scalesLo : scalesHi;
            FloatVector acc = FloatVector.zero(F);
            for (int k = 0; k < 32; k += L) {
                for (int j = 0; j < 4; j++) {
                    FloatVector products = floats(quarter(w, blk, h, k, j))
                            .mul(FloatVector.fromArray(F, a, aOff + 128 * h + 32 * j + k));
                    acc = addScaled(acc, products, scale(scales, k / 16 + 2 * j));
                }
            }
            total += exactSum(acc);
        }
        return total;
    }

    @Override
    void decode(MemorySegment w, long blk, float[] scaled, int off) {
        long scalesLo = w.get(LittleEndian.LONG, blk + SCALES);
        long scalesHi = w.get(LittleEndian.LONG, blk + SCALES + 8);
        for (int h = 0; h < 2; h++) {
            long scales = h == 0 ? scalesLo : scalesHi;
            for (int k = 0; k < 32; k += L) {
                for (int j = 0; j < 4; j++) {
                    floats(quarter(w, blk, h, k, j)).mul(scale(scales, k / 16 + 2 * j))
                            .intoArray(scaled, off + 128 * h + 32 * j + k);
                }
            }
        }
    }

    /** Signed scale {@code j} (0..7) of a half's eight packed scale bytes. */
    private static float scale(long scales, int j) {
        return (byte) (scales >>> (8 * j));
    }

    private static final byte CENTRE = 32;

    /**
     * L values of quarter {@code j} (0..3) of half {@code h}, from column {@code k}, centred on zero: the low or high
     * nibble of ql (quarters 0, 2 from the first 32 bytes; 1, 3 from the next) and bits 2j, 2j+1 of qh. One generic
     * quarter, not four unrolled ones, keeps the kernel small enough for C2 to inline every vector operation (the
     * unrolled kernel passed its node-count cutoff and boxed vectors on the heap).
     */
    private static ByteVector quarter(MemorySegment w, long blk, int h, int k, int j) {
        ByteVector ql = bytes(w, blk + QL + 64 * h + 32 * (j & 1) + k);
        ByteVector qh = bytes(w, blk + QH + 32 * h + k);
        ByteVector low = ql.lanewise(VectorOperators.LSHR, 4 * (j >> 1)).and((byte) 0xF);
        ByteVector high = qh.lanewise(VectorOperators.LSHR, 2 * j).and((byte) 0x3).lanewise(VectorOperators.LSHL, 4);
        return low.or(high).sub(CENTRE);
    }

    @Override
    int dotReference(MemorySegment w, long blk, float[] a, int aOff) {
        int total = 0;
        for (int g = 0; g < GROUPS; g++) {
            int sum = 0;
            for (int i = 0; i < 16; i++) {
                int e = 16 * g + i;
                sum += value(w, blk, e) * (int) a[aOff + e];
            }
            total += BlockBytes.s8(w, blk + SCALES + g) * sum;
        }
        return total;
    }
}
