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

    /** The sum of all lanes, added pairwise in a fixed tree. */
    public static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> rotation : HALVING) {
            v = v.add(v.rearrange(rotation));
        }
        return v.lane(0);
    }

    /**
     * e^x per lane, within about 2 ulp, for x up to 88.37 (above it the result saturates at e^88.37, finite); 0 below
     * -87.33, including -infinity, so masked logits weigh exactly nothing: {@code x = n·ln 2 + r} with |r| ≤ ln 2 / 2,
     * e^r by its Taylor polynomial to degree 7, times 2^n built in the exponent bits.
     */
    public static FloatVector exp(FloatVector x) {
        VectorMask<Float> underflow = x.compare(VectorOperators.LT, EXP_MIN);
        x = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector n = x.fma(LOG2_E, ROUND_MAGIC).sub(ROUND_MAGIC);
        FloatVector r = n.fma(constant(-LN2_HIGH), x);
        r = n.fma(constant(-LN2_LOW), r);
        FloatVector p = r.fma(constant(1f / 5040), constant(1f / 720));
        p = p.fma(r, constant(1f / 120));
        p = p.fma(r, constant(1f / 24));
        p = p.fma(r, constant(1f / 6));
        p = p.fma(r, constant(0.5f));
        p = p.fma(r, constant(1f));
        p = p.fma(r, constant(1f));
        IntVector scale = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127)
                .lanewise(VectorOperators.LSHL, 23);
        return p.mul(scale.reinterpretAsFloats()).blend(0f, underflow);
    }

    private static FloatVector constant(float c) {
        return FloatVector.broadcast(SPECIES, c);
    }

    /** Scalar e^x computed exactly as one lane of {@link #exp(FloatVector)}. */
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
