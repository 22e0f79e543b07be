package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml Q5_0: blocks of 32 values in 22 bytes — f16 d, a little-endian 32-bit word of fifth bits (bit i for value
 * i), 16 bytes of low nibbles (value l low, value 16+l high). Value = d·(q − 16).
 */
public final class Q5_0Format {
    static final int QK = 32;
    static final int BYTES = 22;
    static final int QH = 2;
    static final int QS = 6;

    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        BlockBytes.checkBlocks(GgmlType.Q5_0, n);
        for (int b = 0; b < n / QK; b++) {
            long blk = srcOff + (long) b * BYTES;
            float d = BlockBytes.f16(src, blk);
            int qh = BlockBytes.u32(src, blk + QH);
            int out = dstOff + b * QK;
            for (int j = 0; j < 16; j++) {
                int q = BlockBytes.u8(src, blk + QS + j);
                int x0 = ((q & 0xF) | (((qh >>> j) & 1) << 4)) - 16;
                int x1 = ((q >> 4) | (((qh >>> (j + 16)) & 1) << 4)) - 16;
                dst[out + j] = x0 * d;
                dst[out + j + 16] = x1 * d;
            }
        }
    }

    /** ggml's quantize_row_q5_0_ref: d = signed max / −16, round half up. */
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        BlockBytes.checkBlocks(GgmlType.Q5_0, n);
        byte[] block = new byte[BYTES];
        for (int b = 0; b < n / QK; b++) {
            int x = srcOff + b * QK;
            float amax = 0;
            float max = 0;
            for (int j = 0; j < QK; j++) {
                float v = src[x + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -16;
            float id = d != 0 ? 1.0f / d : 0.0f;
            BlockBytes.putF16(block, 0, d);
            int qh = 0;
            for (int j = 0; j < 16; j++) {
                int q0 = Math.min(31, (byte) (int) (src[x + j] * id + 16.5f));
                int q1 = Math.min(31, (byte) (int) (src[x + 16 + j] * id + 16.5f));
                block[QS + j] = (byte) ((q0 & 0xF) | ((q1 & 0xF) << 4));
                qh |= ((q0 & 0x10) >>> 4) << j;
                qh |= ((q1 & 0x10) >>> 4) << (j + 16);
            }
            BlockBytes.putU32(block, QH, qh);
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, dstOff + (long) b * BYTES, BYTES);
        }
    }
}
