package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml Q5_0: blocks of 32 values in 22 bytes — f16 d, a little-endian 32-bit word of fifth bits (bit i for value
 * i), 16 bytes of low nibbles (value l low, value 16+l high). Value = d·(q − 16).
 */
final class Q5_0Format extends Q8PartneredFormat {
    static final int BYTES = 22;
    static final int QH = 2;
    static final int QS = 6;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    /** ggml's quantize_row_q5_0_ref: d = signed max / −16, round half up. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        BlockBytes.checkBlocks(GgmlType.Q5_0, n);
        byte[] block = new byte[BYTES];
        for (int b = 0; b < n / BLOCK; b++) {
            int x = srcOff + b * BLOCK;
            float amax = 0;
            float max = 0;
            for (int j = 0; j < BLOCK; j++) {
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

    private static final BlockLayout LAYOUT = new BlockLayout(QS, true, QH, 16);

    @Override
    BlockLayout layout() {
        return LAYOUT;
    }
}
