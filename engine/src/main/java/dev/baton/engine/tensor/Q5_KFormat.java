package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml Q5_K: super-blocks of 256 values in 176 bytes — f16 d, f16 dmin, 12 bytes of packed 6-bit scales and mins,
 * 32 bytes of fifth bits, 128 bytes of low nibbles laid out as in Q4_K. Value {@code 64c+l} (low nibble of byte
 * {@code 32c+l}) takes bit {@code 2c} of {@code qh[l]}; value {@code 64c+32+l} takes bit {@code 2c+1}.
 */
public final class Q5_KFormat {
    static final int QK = 256;
    static final int BYTES = 176;
    static final int SCALES = 4;
    static final int QH = 16;
    static final int QS = 48;

    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        BlockBytes.checkBlocks(GgmlType.Q5_K, n);
        for (int b = 0; b < n / QK; b++) {
            long blk = srcOff + (long) b * BYTES;
            float d = BlockBytes.f16(src, blk);
            float dmin = BlockBytes.f16(src, blk + 2);
            int out = dstOff + b * QK;
            for (int c = 0; c < 4; c++) {
                float d1 = d * PackedScaleMins.scale(src, blk + SCALES, 2 * c);
                float m1 = dmin * PackedScaleMins.min(src, blk + SCALES, 2 * c);
                float d2 = d * PackedScaleMins.scale(src, blk + SCALES, 2 * c + 1);
                float m2 = dmin * PackedScaleMins.min(src, blk + SCALES, 2 * c + 1);
                for (int l = 0; l < 32; l++) {
                    int q = BlockBytes.u8(src, blk + QS + 32 * c + l);
                    int h = BlockBytes.u8(src, blk + QH + l) >> (2 * c);
                    dst[out + 64 * c + l] = d1 * ((q & 0xF) + ((h & 1) << 4)) - m1;
                    dst[out + 64 * c + 32 + l] = d2 * ((q >> 4) + ((h & 2) << 3)) - m2;
                }
            }
        }
    }

    /** ggml's quantize_row_q5_K_ref. */
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        BlockBytes.checkBlocks(GgmlType.Q5_K, n);
        byte[] block = new byte[BYTES];
        byte[] levels = new byte[QK];
        PackedScaleMins.Scratch scratch = new PackedScaleMins.Scratch();
        for (int b = 0; b < n / QK; b++) {
            PackedScaleMins.fit(src, srcOff + b * QK, 31, -0.5f, 0.1f, 15, block, levels, scratch);
            for (int l = 0; l < 32; l++) {
                block[QH + l] = 0;
            }
            for (int c = 0; c < 4; c++) {
                for (int l = 0; l < 32; l++) {
                    int lo = levels[64 * c + l];
                    int hi = levels[64 * c + 32 + l];
                    block[QH + l] |= (byte) (((lo >> 4) << (2 * c)) | ((hi >> 4) << (2 * c + 1)));
                    block[QS + 32 * c + l] = (byte) ((lo & 0xF) | ((hi & 0xF) << 4));
                }
            }
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, dstOff + (long) b * BYTES, BYTES);
        }
    }
}
