package dev.baton.engine.tensor;

/**
 * Activations in Q8_0 form, the partner format of the 32-element block types, quantized as llama.cpp's x86 CPU
 * backend does it: per block {@code amax = max|x|}, {@code d = amax / 127} stored as F16, {@code q = round(x · 127 /
 * amax)} with ties to even. Kept unpacked: q as integer-valued floats, d as the float value of its F16.
 */
final class Q8Activations {
    static final int BLOCK = Q8PartneredFormat.BLOCK;

    private Q8Activations() {
    }

    /** Quantizes {@code n} values (a multiple of 32) of x into {@code q[qOff..]} and scales {@code d[dOff..]}. */
    static void quantize(float[] x, int xOff, int n, float[] q, int qOff, float[] d, int dOff) {
        for (int k = 0; k < n / BLOCK; k++) {
            int base = xOff + k * BLOCK;
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) {
                amax = Math.max(amax, Math.abs(x[base + j]));
            }
            d[dOff + k] = HalfPrecision.roundToF16(amax / 127f);
            float id = amax != 0f ? 127f / amax : 0f;
            int qBase = qOff + k * BLOCK;
            for (int j = 0; j < BLOCK; j++) {
                q[qBase + j] = (float) Math.rint(x[base + j] * id);
            }
        }
    }
}
