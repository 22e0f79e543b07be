package dev.baton.engine.tensor;

/**
 * Activations in Q8_0 form, the partner format of the 32-element block types, quantized as llama.cpp's x86 CPU
 * backend does it: per block {@code amax = max|x|}, {@code d = amax / 127} stored as F16, {@code q = round(x · 127 /
 * amax)} with ties to even. Kept unpacked: q as integer-valued floats, d as the float value of its F16. Types with a
 * block offset (Q4_1, Q5_1) pair with ggml's Q8_1 instead, which is the same plus {@code s = d · Σ q} (d before its
 * F16 rounding) stored as F16.
 */
final class Q8Activations {
    static final int BLOCK = Q8PartneredFormat.BLOCK;

    private Q8Activations() {
    }

    /** Quantizes {@code n} values (a multiple of 32) of x into {@code q[qOff..]} and scales {@code d[dOff..]}. */
    static void quantize(float[] x, int xOff, int n, float[] q, int qOff, float[] d, int dOff) {
        quantize(x, xOff, n, q, qOff, d, dOff, null);
    }

    /** As above, also writing each block's Q8_1 sum s into {@code sums[dOff..]} when {@code sums} is not null. */
    static void quantize(float[] x, int xOff, int n, float[] q, int qOff, float[] d, int dOff, float[] sums) {
        for (int k = 0; k < n / BLOCK; k++) {
            int base = xOff + k * BLOCK;
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) {
                amax = Math.max(amax, Math.abs(x[base + j]));
            }
            d[dOff + k] = HalfPrecision.roundToF16(amax / 127f);
            float id = amax != 0f ? 127f / amax : 0f;
            int qBase = qOff + k * BLOCK;
            int sum = 0;
            for (int j = 0; j < BLOCK; j++) {
                q[qBase + j] = (float) Math.rint(x[base + j] * id);
                sum += (int) q[qBase + j];
            }
            if (sums != null) {
                sums[dOff + k] = HalfPrecision.roundToF16(amax / 127f * sum);
            }
        }
    }
}
