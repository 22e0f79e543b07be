package dev.baton.engine.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector arithmetic whose every bit is fixed by this code. The Vector API leaves the order of
 * {@code reduceLanes(ADD)} unspecified and computes {@code lanewise(EXP)} with a platform library, and either may give
 * different bits in interpreted and compiled code — so a sequence could get other logits in its first steps (run
 * before the JIT compiled the loop) than in a later batch. Lanewise additions, multiplications, FMAs and permutations
 * are exact IEEE operations wherever they run; everything here is built from those. Used by the forward pass
 * (softmax, SiLU) and the sampler (token weights).
 */
public final class VectorMath {
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    /** Rotations by half, a quarter, … of the vector: the steps of a fixed pairwise reduction tree. */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] HALVING = new VectorShuffle[Integer.numberOfTrailingZeros(
            SPECIES.length())];

    static {
        for (int i = 0, shift = SPECIES.length() / 2; shift > 0; i++, shift /= 2) {
            HALVING[i] = VectorShuffle.iota(SPECIES, shift, 1, true);
        }
    }

    private static final float LOG2_E = 1.44269504f;
    private static final float LN2_HIGH = 0.693359375f;   // ln 2 split in two, the high part exact in few bits
    private static final float LN2_LOW = -2.12194440e-4f;
    private static final float ROUND_MAGIC = 12582912f;    // 1.5 · 2^23: adding and subtracting it rounds to integer
    private static final float EXP_MIN = -87.33f;          // below this e^x is subnormal in float: taken as 0
    private static final float EXP_MAX = 88.37f;           // and finite below this

    private VectorMath() {
    }

    /**
     * {@code Σ a[aOffset+i]·b[bOffset+i]} over {@code n} values: per-lane fused multiply-adds, the lanes added pairwise
     * in a fixed tree, then the scalar tail.
     */
    public static float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
        int i = 0;
        float sum = 0f;
        int bound = SPECIES.loopBound(n);
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (; i < bound; i += SPECIES.length()) {
                acc = FloatVector.fromArray(SPECIES, a, aOffset + i)
                        .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc);
            }
            for (VectorShuffle<Float> rotation : HALVING) {
                acc = acc.add(acc.rearrange(rotation));
            }
            sum = acc.lane(0);
        }
        for (; i < n; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    /**
     * {@code out[outOffset+i] = e^((x[xOffset+i] - shift)·scale)} over {@code n} values, each as {@link #exp(float)}
     * computes it (vector lanes and the scalar tail agree bit for bit). Arrays in and out, so that no vector crosses a
     * call: a vector passed to or returned from a method of ours is boxed on the heap whenever C2 declines to inline
     * the call, which it decides from call-site profiles, differently from one JVM to the next.
     */
    public static void exp(float[] x, int xOffset, float shift, float scale, float[] out, int outOffset, int n) {
        FloatVector minusLn2High = FloatVector.broadcast(SPECIES, -LN2_HIGH);
        FloatVector minusLn2Low = FloatVector.broadcast(SPECIES, -LN2_LOW);
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += SPECIES.length()) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, xOffset + i).sub(shift).mul(scale);
            VectorMask<Float> underflow = v.compare(VectorOperators.LT, EXP_MIN);
            v = v.max(EXP_MIN).min(EXP_MAX);
            FloatVector k = v.fma(LOG2_E, ROUND_MAGIC).sub(ROUND_MAGIC);
            FloatVector r = k.fma(minusLn2High, v);
            r = k.fma(minusLn2Low, r);
            FloatVector p = r.fma(1f / 5040, 1f / 720);
            p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 120));
            p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 24));
            p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 6));
            p = p.fma(r, FloatVector.broadcast(SPECIES, 0.5f));
            p = p.fma(r, FloatVector.broadcast(SPECIES, 1f));
            p = p.fma(r, FloatVector.broadcast(SPECIES, 1f));
            IntVector twoToK = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127)
                    .lanewise(VectorOperators.LSHL, 23);
            p.mul(twoToK.reinterpretAsFloats()).blend(0f, underflow).intoArray(out, outOffset + i);
        }
        for (; i < n; i++) {
            out[outOffset + i] = exp((x[xOffset + i] - shift) * scale);
        }
    }

    /** Scalar e^x: the same bits as a lane of the array form's vector loop. */
    public static float exp(float x) {
        if (x < EXP_MIN) {
            return 0f;
        }
        x = Math.min(x, EXP_MAX);
        float n = Math.fma(x, LOG2_E, ROUND_MAGIC) - ROUND_MAGIC;
        float r = Math.fma(n, -LN2_HIGH, x);
        r = Math.fma(n, -LN2_LOW, r);
        float p = Math.fma(r, 1f / 5040, 1f / 720);
        p = Math.fma(p, r, 1f / 120);
        p = Math.fma(p, r, 1f / 24);
        p = Math.fma(p, r, 1f / 6);
        p = Math.fma(p, r, 0.5f);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        return p * Float.intBitsToFloat(((int) n + 127) << 23);
    }
}
