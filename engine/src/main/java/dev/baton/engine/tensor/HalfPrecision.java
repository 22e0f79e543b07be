package dev.baton.engine.tensor;

/** IEEE half (F16) and bfloat16 conversions, rounding to nearest even as ggml does. */
final class HalfPrecision {
    private HalfPrecision() {
    }

    /** x rounded to the nearest F16 value (ties to even), as a float. */
    static float roundToF16(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }

    /** The bfloat16 bits nearest to x (ties to even); NaNs stay NaN (quiet), as ggml's reference converter does. */
    static short toBf16(float x) {
        int u = Float.floatToRawIntBits(x);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    static float bf16ToFloat(short h) {
        return Float.intBitsToFloat(h << 16);
    }

    /** x rounded to the nearest bfloat16 value (ties to even), as a float. */
    static float roundToBf16(float x) {
        return bf16ToFloat(toBf16(x));
    }
}
