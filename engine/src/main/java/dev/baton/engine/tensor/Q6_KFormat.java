package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.ShortVector;
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

    Q6_KFormat() {
        super(16);
    }

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
     * Per half: ql bytes l and l+32 hold values l, l+32 (low nibbles) and l+64, l+96 (high nibbles); qh byte l holds
     * their two high bits, in pairs from bit 0. Each quarter's high pair is moved to bits 4–5.
     */
    @Override
    void unpack(MemorySegment w, long blk, UnpackedSuperBlock u) {
        byte[] q = u.quants;
        for (int h = 0; h < 2; h++) {
            ByteVector a = ByteVector.fromMemorySegment(B32, w, blk + QL + 64 * h, LE);
            ByteVector b = ByteVector.fromMemorySegment(B32, w, blk + QL + 64 * h + 32, LE);
            ShortVector high = ByteVector.fromMemorySegment(B32, w, blk + QH + 32 * h, LE).reinterpretAsShorts();
            ByteVector aHigh = a.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
            ByteVector bHigh = b.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
            a.and((byte) 0xF).or(high.lanewise(VectorOperators.LSHL, 4).reinterpretAsBytes().and((byte) 0x30))
                    .sub((byte) 32).intoArray(q, 128 * h);
            b.and((byte) 0xF).or(high.lanewise(VectorOperators.LSHL, 2).reinterpretAsBytes().and((byte) 0x30))
                    .sub((byte) 32).intoArray(q, 128 * h + 32);
            aHigh.and((byte) 0xF).or(high.reinterpretAsBytes().and((byte) 0x30))
                    .sub((byte) 32).intoArray(q, 128 * h + 64);
            bHigh.and((byte) 0xF).or(high.lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes().and((byte) 0x30))
                    .sub((byte) 32).intoArray(q, 128 * h + 96);
        }
        SuperBlockKernels.signedBytesToFloats(w, blk + SCALES, u.scales);
        u.d = BlockBytes.f16(w, blk + D);
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
