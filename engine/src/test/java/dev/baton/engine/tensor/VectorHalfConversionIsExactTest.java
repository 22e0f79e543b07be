package dev.baton.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Q8-partnered kernels widen their f16 block scales 16 at a time; every f16 value must come out as Java's own. */
class VectorHalfConversionIsExactTest {
    @Test
    void everyHalfConvertsAsFloat16ToFloat() {
        short[] halves = new short[1 << 16];
        for (int h = 0; h < halves.length; h++) {
            halves[h] = (short) h;
        }
        float[] out = new float[16];
        for (int at = 0; at < halves.length; at += 16) {
            Q8PartneredMatrix.halvesToFloats(halves, at).intoArray(out, 0);
            for (int i = 0; i < 16; i++) {
                float expected = Float.float16ToFloat(halves[at + i]);
                int h = at + i;
                if (Float.isNaN(expected)) {
                    assertTrue(Float.isNaN(out[i]), () -> "half 0x" + Integer.toHexString(h));
                } else {
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[i]),
                            () -> "half 0x" + Integer.toHexString(h));
                }
            }
        }
    }
}
