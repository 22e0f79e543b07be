package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml Q5_1: blocks of 32 values in 24 bytes — f16 d, f16 m, a little-endian 32-bit word of fifth bits (bit i for
 * value i), 16 bytes of low nibbles (value l low, value 16+l high). Value = d·q + m.
 */
final class Q5_1Format extends Q8PartneredFormat {
    static final int BYTES = 24;
    static final int QH = 4;
    static final int QS = 8;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_1;
    }

    /** ggml's quantize_row_q5_1_ref: min and range per block, then round half up. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        BlockBytes.checkBlocks(GgmlType.Q5_1, n);
        byte[] block = new byte[BYTES];
        for (int b = 0; b < n / BLOCK; b++) {
            int x = srcOff + b * BLOCK;
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < BLOCK; j++) {
                float v = src[x + j];
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
            }
            float d = (max - min) / ((1 << 5) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            BlockBytes.putF16(block, 0, d);
            BlockBytes.putF16(block, 2, min);
            int qh = 0;
            for (int j = 0; j < 16; j++) {
                int q0 = ((int) ((src[x + j] - min) * id + 0.5f)) & 0xFF;
                int q1 = ((int) ((src[x + 16 + j] - min) * id + 0.5f)) & 0xFF;
                block[QS + j] = (byte) ((q0 & 0xF) | ((q1 & 0xF) << 4));
                qh |= ((q0 & 0x10) >>> 4) << j;
                qh |= ((q1 & 0x10) >>> 4) << (j + 16);
            }
            BlockBytes.putU32(block, QH, qh);
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, dstOff + (long) b * BYTES, BYTES);
        }
    }

    @Override
    boolean hasBlockOffset() {
        return true;
    }

    private static final BlockLayout LAYOUT = new BlockLayout(QS, true, QH, 0);

    @Override
    BlockLayout layout() {
        return LAYOUT;
    }
}
