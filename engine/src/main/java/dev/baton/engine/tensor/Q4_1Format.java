package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml Q4_1: blocks of 32 values in 20 bytes — f16 d, f16 m, 16 bytes of 4-bit quants (value l in the low nibble
 * of byte l, value 16+l in its high nibble). Value = d·q + m.
 */
final class Q4_1Format extends Q8PartneredFormat {
    static final int BYTES = 20;
    static final int QS = 4;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_1;
    }

    /** ggml's quantize_row_q4_1_ref: min and range per block, then round half up. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        BlockBytes.checkBlocks(GgmlType.Q4_1, n);
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
            float d = (max - min) / ((1 << 4) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            BlockBytes.putF16(block, 0, d);
            BlockBytes.putF16(block, 2, min);
            for (int j = 0; j < 16; j++) {
                int q0 = Math.min(15, (byte) (int) ((src[x + j] - min) * id + 0.5f));
                int q1 = Math.min(15, (byte) (int) ((src[x + 16 + j] - min) * id + 0.5f));
                block[QS + j] = (byte) (q0 | (q1 << 4));
            }
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, dstOff + (long) b * BYTES, BYTES);
        }
    }

    @Override
    boolean hasBlockOffset() {
        return true;
    }

    private static final BlockLayout LAYOUT = new BlockLayout(QS, true, -1, 0);

    @Override
    BlockLayout layout() {
        return LAYOUT;
    }
}
