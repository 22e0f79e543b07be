package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;

/** ggml Q8_0: blocks of 32 values, 34 bytes each: F16 scale d, then 32 signed bytes q; value = q · d. */
final class Q8_0Format extends Q8PartneredFormat {
    private static final int BLOCK_BYTES = 34;

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    /** As ggml's reference quantizer: d = amax / 127, q = round(x / d) with ties away from zero. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        int blocks = blockCount(n);
        for (int k = 0; k < blocks; k++) {
            int base = srcOff + k * BLOCK;
            long out = dstOff + (long) k * BLOCK_BYTES;
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) {
                amax = Math.max(amax, Math.abs(src[base + j]));
            }
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            dst.set(LittleEndian.SHORT, out, Float.floatToFloat16(d));
            for (int j = 0; j < BLOCK; j++) {
                dst.set(LittleEndian.BYTE, out + 2 + j, (byte) roundHalfAway(src[base + j] * id));
            }
        }
    }

    /** C's roundf: nearest integer, ties away from zero. */
    static int roundHalfAway(float v) {
        float a = Math.abs(v);
        float f = (float) Math.floor(a);
        if (a - f >= 0.5f) {
            f += 1f;
        }
        return (int) Math.copySign(f, v);
    }

    private static final BlockLayout LAYOUT = new BlockLayout(2, false, -1, 0);

    @Override
    BlockLayout layout() {
        return LAYOUT;
    }
}
