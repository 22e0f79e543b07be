package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * ggml Q4_0: blocks of 32 values, 18 bytes each: F16 scale d, then 16 bytes whose low nibbles are values 0..15 and
 * high nibbles values 16..31; value = (nibble − 8) · d.
 */
final class Q4_0Format extends Q8PartneredFormat {
    private static final int BLOCK_BYTES = 18;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    /**
     * As ggml's reference quantizer: d = m / −8 where m is the value of largest magnitude (sign kept, first one wins),
     * nibble = min(15, trunc(x / d + 8.5)).
     */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        int blocks = blockCount(n);
        for (int k = 0; k < blocks; k++) {
            int base = srcOff + k * BLOCK;
            long out = dstOff + (long) k * BLOCK_BYTES;
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < BLOCK; j++) {
                float v = src[base + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8f;
            float id = d != 0f ? 1f / d : 0f;
            dst.set(LittleEndian.SHORT, out, Float.floatToFloat16(d));
            for (int j = 0; j < BLOCK / 2; j++) {
                int lo = nibble(src[base + j] * id);
                int hi = nibble(src[base + BLOCK / 2 + j] * id);
                dst.set(LittleEndian.BYTE, out + 2 + j, (byte) (lo | hi << 4));
            }
        }
    }

    private static int nibble(float scaled) {
        // C's (int8_t) cast truncates toward zero; the sum is never below 0.5 for finite inputs.
        return Math.min(15, (int) (scaled + 8.5f));
    }

    private static final BlockLayout LAYOUT = new BlockLayout(2, true, -1, 8);

    @Override
    BlockLayout layout() {
        return LAYOUT;
    }
}
