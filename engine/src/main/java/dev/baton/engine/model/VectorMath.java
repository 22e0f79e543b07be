package dev.baton.engine.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector arithmetic whose every bit is fixed by this code. The Vector API leaves the order of
 * {@code reduceLanes(ADD)} unspecified and computes {@code lanewise(EXP)} with a platform library, and either may give
 * different bits in interpreted and compiled code — so a sequence could get other logits in its first steps (run
 * before the JIT compiled the loop) than in a later batch. Lanewise additions, multiplications, FMAs and permutations
 * are exact IEEE operations wherever they run; everything here is built from those.
 */
final class VectorMath {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

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
    private static final float EXP_MIN = -87.33f;          // e^x stays a normal float above this
    private static final float EXP_MAX = 88.37f;           // and finite below this

    private VectorMath() {
    }

    /** The sum of all lanes, added pairwise in a fixed tree. */
    static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> rotation : HALVING) {
            v = v.add(v.rearrange(rotation));
        }
        return v.lane(0);
    }

    /**
     * e^x per lane, within about 2 ulp, for x in [-87.33, 88.37] (outside it the result saturates at the end values):
     * {@code x = n·ln 2 + r} with |r| ≤ ln 2 / 2, e^r by its Taylor polynomial to degree 7, times 2^n built in the
     * exponent bits.
     */
    static FloatVector exp(FloatVector x) {
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
        return p.mul(scale.reinterpretAsFloats());
    }

    private static FloatVector constant(float c) {
        return FloatVector.broadcast(SPECIES, c);
    }

    /** Scalar e^x computed exactly as one lane of {@link #exp(FloatVector)}. */
    static float exp(float x) {
        x = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
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
