package dev.baton.engine.tensor;

/**
 * Activations in Q8_K form, the partner format of the K-quant weight types, as ggml's quantize_row_q8_K makes it:
 * per super-block of 256 values, {@code iscale = −127 / m} where m is the value of largest magnitude (sign kept,
 * first one wins), {@code q = min(127, round(iscale · x))} with ties to even, {@code d = 1 / iscale} kept as a float,
 * and the sums of q over each group of 16 or 32 values (the scale groups of the weights; used by the types with
 * per-group mins). Kept unpacked: q as
 * integer-valued floats so kernels can multiply them exactly in float lanes.
 */
final class Q8KActivations {
    static final int BLOCK = 256;

    private Q8KActivations() {
    }

    /**
     * Quantizes {@code n} values (a multiple of 256) of x into {@code q[qOff..]}, scales {@code d[dOff..]} (one per
     * super-block) and the sums over groups of {@code sumGroup} values (16 or 32) to {@code sums[sOff..]}.
     */
    static void quantize(float[] x, int xOff, int n, float[] q, int qOff, float[] d, int dOff, int[] sums, int sOff,
            int sumGroup) {
        int groups = BLOCK / sumGroup;
        for (int k = 0; k < n / BLOCK; k++) {
            int base = xOff + k * BLOCK;
            int qBase = qOff + k * BLOCK;
            float max = 0;
            float amax = 0;
            for (int j = 0; j < BLOCK; j++) {
                float ax = Math.abs(x[base + j]);
                if (ax > amax) {
                    amax = ax;
                    max = x[base + j];
                }
            }
            int sBase = sOff + k * groups;
            if (amax == 0) {
                d[dOff + k] = 0;
                java.util.Arrays.fill(q, qBase, qBase + BLOCK, 0f);
                java.util.Arrays.fill(sums, sBase, sBase + groups, 0);
                continue;
            }
            float iscale = -127.f / max;
            for (int g = 0; g < groups; g++) {
                int sum = 0;
                for (int j = g * sumGroup; j < (g + 1) * sumGroup; j++) {
                    int v = Math.min(127, ScaleSearch.nearestInt(iscale * x[base + j]));
                    q[qBase + j] = v;
                    sum += v;
                }
                sums[sBase + g] = sum;
            }
            d[dOff + k] = 1 / iscale;
        }
    }
}
