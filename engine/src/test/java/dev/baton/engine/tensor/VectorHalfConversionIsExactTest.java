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
        float[] out = new float[halves.length];
        Q8PartneredMatrix.halvesToFloats(halves, 0, out, halves.length);
        for (int h = 0; h < halves.length; h++) {
            float expected = Float.float16ToFloat(halves[h]);
            int half = h;
            if (Float.isNaN(expected)) {
                assertTrue(Float.isNaN(out[h]), () -> "half 0x" + Integer.toHexString(half));
            } else {
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[h]),
                        () -> "half 0x" + Integer.toHexString(half));
            }
        }
    }
}
