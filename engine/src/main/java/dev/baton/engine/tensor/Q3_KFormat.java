package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q3_K: super-blocks of 256 values in 110 bytes — 32 bytes of high bits (value e: bit e/32 of byte e%32),
 * 64 bytes of 2-bit low quants ({@link TwoBitQuants}), 12 bytes holding sixteen 6-bit scales, f16 d.
 * Value = d·(scale_j − 32)·(low − (high bit set ? 0 : 4)). Scale j: its low nibble is the low (j &lt; 8) or high
 * (j ≥ 8) nibble of byte j%8; its top two bits are bits 2·(j/4) of byte 8 + j%4.
 */
final class Q3_KFormat extends SuperBlockFormat {
    static final int QK = 256;
    static final int BYTES = 110;
    static final int HMASK = 0;
    static final int QS = 32;
    static final int SCALES = 96;
    static final int D = 108;

    Q3_KFormat() {
        super(16);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    /** Scale of group {@code j} (0..15), already centred: −32..31. */
    static int scale(MemorySegment s, long blk, int j) {
        int low = BlockBytes.u8(s, blk + SCALES + (j & 7));
        low = j < 8 ? low & 0xF : low >> 4;
        int high = (BlockBytes.u8(s, blk + SCALES + 8 + (j & 3)) >> (2 * (j >> 2))) & 3;
        return (low | (high << 4)) - 32;
    }

    /** The 3-bit value {@code e} (0..255), centred: −4..3. */
    static int value(MemorySegment s, long blk, int e) {
        int high = (BlockBytes.u8(s, blk + HMASK + (e & 31)) >> (e >> 5)) & 1;
        return TwoBitQuants.get(s, blk + QS, e) - (high != 0 ? 0 : 4);
    }

    /** ggml's quantize_row_q3_K_ref. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        BlockBytes.checkBlocks(GgmlType.Q3_K, n);
        byte[] block = new byte[BYTES];
        byte[] levels = new byte[QK];
        float[] scales = new float[16];
        for (int b = 0; b < n / QK; b++) {
            int x = srcOff + b * QK;
            java.util.Arrays.fill(block, (byte) 0);
            float maxScale = 0;
            float amax = 0;
            for (int g = 0; g < 16; g++) {
                scales[g] = ScaleSearch.symmetricRefined(16, 4, src, x + 16 * g, levels, 16 * g);
                float scale = Math.abs(scales[g]);
                if (scale > amax) {
                    amax = scale;
                    maxScale = scales[g];
                }
            }
            if (maxScale != 0) {
                float iscale = -32.f / maxScale;
                for (int g = 0; g < 16; g++) {
                    int l = ScaleSearch.clamp((byte) ScaleSearch.nearestInt(iscale * scales[g]), -32, 31) + 32;
                    if (g < 8) {
                        block[SCALES + g] = (byte) (l & 0xF);
                    } else {
                        block[SCALES + g - 8] |= (byte) ((l & 0xF) << 4);
                    }
                    block[SCALES + 8 + (g & 3)] |= (byte) ((l >> 4) << (2 * (g >> 2)));
                }
                BlockBytes.putF16(block, D, 1 / iscale);
            }
            float d = BlockBytes.f16(block, D);
            MemorySegment view = MemorySegment.ofArray(block);
            for (int g = 0; g < 16; g++) {
                float dg = d * scale(view, 0, g);
                if (dg == 0) {
                    continue;
                }
                for (int i = 0; i < 16; i++) {
                    int l = ScaleSearch.nearestInt(src[x + 16 * g + i] / dg);
                    levels[16 * g + i] = (byte) (ScaleSearch.clamp(l, -4, 3) + 4);
                }
            }
            for (int e = 0; e < QK; e++) {
                if (levels[e] > 3) {
                    block[HMASK + (e & 31)] |= (byte) (1 << (e >> 5));
                    levels[e] -= 4;
                }
            }
            TwoBitQuants.pack(levels, block, QS);
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

    /** Half h's eight 6-bit scales, uncentred (0..63), byte j holding the scale of group 8h+j. */
    private static long scalesOfHalf(MemorySegment w, long blk, int h) {
        int w0 = BlockBytes.u32(w, blk + SCALES);
        int w1 = BlockBytes.u32(w, blk + SCALES + 4);
        int top = BlockBytes.u32(w, blk + SCALES + 8);
        int a;
        int b;
        if (h == 0) {
            a = (w0 & 0x0F0F0F0F) | ((top & 0x03030303) << 4);
            b = (w1 & 0x0F0F0F0F) | (((top >>> 2) & 0x03030303) << 4);
        } else {
            a = ((w0 >>> 4) & 0x0F0F0F0F) | (((top >>> 4) & 0x03030303) << 4);
            b = ((w1 >>> 4) & 0x0F0F0F0F) | (((top >>> 6) & 0x03030303) << 4);
        }
        return (a & 0xFFFFFFFFL) | ((long) b << 32);
    }

    /** Per half h and shift j: 2-bit low quants from {@code qs}, the third bit from {@code hmask} bit 4h+j. */
    @Override
    void unpack(MemorySegment w, long blk, UnpackedSuperBlock u) {
        // hmask bit 4h+j, brought down to bit 0 one shift per (h, j), then moved to bit 2
        ShortVector hm = ByteVector.fromMemorySegment(B32, w, blk + HMASK, LE).reinterpretAsShorts();
        for (int h = 0; h < 2; h++) {
            ShortVector q = ByteVector.fromMemorySegment(B32, w, blk + QS + 32 * h, LE).reinterpretAsShorts();
            long scales = scalesOfHalf(w, blk, h);
            for (int j = 0; j < 4; j++) {
                q.lanewise(VectorOperators.LSHR, 2 * j).reinterpretAsBytes().and((byte) 3)
                        .or(hm.lanewise(VectorOperators.LSHL, 2).reinterpretAsBytes().and((byte) 4)).sub((byte) 4)
                        .intoArray(u.quants, 128 * h + 32 * j);
                hm = hm.lanewise(VectorOperators.LSHR, 1);
            }
            for (int j = 0; j < 8; j++) {
                u.scales[8 * h + j] = ((int) (scales >>> (8 * j)) & 0xFF) - 32;
            }
        }
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
            total += scale(w, blk, g) * sum;
        }
        return total;
    }
}
