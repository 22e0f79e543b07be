package dev.baton.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Activations in Q8_0 form, the partner format of the 32-element block types, quantized as llama.cpp's x86 CPU
 * backend does it: per block {@code amax = max|x|}, {@code d = amax / 127} stored as F16, {@code q = round(x · 127 /
 * amax)} with ties to even. Kept unpacked: q as integer-valued floats, d as the float value of its F16. Types with a
 * block offset (Q4_1, Q5_1) pair with ggml's Q8_1 instead, which is the same plus {@code s = d · Σ q} (d before its
 * F16 rounding) stored as F16.
 */
final class Q8Activations {
    static final int BLOCK = Q8PartneredFormat.BLOCK;
    private static final VectorSpecies<Float> F = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;
    /** Adding and subtracting 1.5 · 2^23 rounds any |v| ≤ 2^22 to an integer, ties to even. */
    private static final float ROUNDER = 0x1.8p23f;

    private Q8Activations() {
    }

    /** Quantizes {@code n} values (a multiple of 32) of x into {@code q[qOff..]} and scales {@code d[dOff..]}. */
    static void quantize(float[] x, int xOff, int n, float[] q, int qOff, float[] d, int dOff) {
        quantize(x, xOff, n, q, qOff, d, dOff, null, 0);
    }

    /** As above, also writing each block's Q8_1 sum s into {@code sums[sOff..]} when {@code sums} is not null. */
    static void quantize(float[] x, int xOff, int n, float[] q, int qOff, float[] d, int dOff, float[] sums, int sOff) {
        for (int k = 0; k < n / BLOCK; k++) {
            int base = xOff + k * BLOCK;
            FloatVector max = FloatVector.fromArray(F, x, base).abs();
            for (int v = L; v < BLOCK; v += L) {
                max = max.max(FloatVector.fromArray(F, x, base + v).abs());
            }
            float amax = max.reduceLanes(VectorOperators.MAX);
            d[dOff + k] = HalfPrecision.roundToF16(amax / 127f);
            float id = amax != 0f ? 127f / amax : 0f;
            FloatVector sum = FloatVector.zero(F);
            for (int v = 0; v < BLOCK; v += L) {
                FloatVector qv = FloatVector.fromArray(F, x, base + v).mul(id).add(ROUNDER).sub(ROUNDER);
                qv.intoArray(q, qOff + k * BLOCK + v);
                sum = sum.add(qv);
            }
            if (sums != null) {
                // integer-valued floats with |Σ| <= 32 · 127: the lane sum is exact in any order
                sums[sOff + k] = HalfPrecision.roundToF16(amax / 127f * sum.reduceLanes(VectorOperators.ADD));
            }
        }
    }

    /** The same quantization as a plain scalar loop (sums at {@code sums[dOff..]}), for the reference kernels. */
    static void quantizeReference(float[] x, int xOff, int n, float[] q, int qOff, float[] d, int dOff, float[] sums) {
        for (int k = 0; k < n / BLOCK; k++) {
            int base = xOff + k * BLOCK;
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) {
                amax = Math.max(amax, Math.abs(x[base + j]));
            }
            d[dOff + k] = HalfPrecision.roundToF16(amax / 127f);
            float id = amax != 0f ? 127f / amax : 0f;
            int sum = 0;
            for (int j = 0; j < BLOCK; j++) {
                float v = x[base + j] * id + ROUNDER - ROUNDER;
                q[qOff + k * BLOCK + j] = v;
                sum += (int) v;
            }
            if (sums != null) {
                sums[dOff + k] = HalfPrecision.roundToF16(amax / 127f * sum);
            }
        }
    }
}
