package dev.baton.engine.sampling;

/**
 * A counter-based random source: the uniform number for draw {@code index} under {@code seed} is computed directly,
 * with no state carried between draws. It is the {@code index}-th output of a SplitMix64 generator whose starting
 * state is the mixed seed, so consecutive indices are as independent as SplitMix64's outputs, and token i of a request
 * can be drawn (or redrawn after a crash, or in a replay) without drawing tokens 0..i-1 first.
 */
public final class CounterRandom {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private CounterRandom() {
    }

    /** A double uniform in [0, 1) with 53 random bits. */
    public static double uniform(long seed, long index) {
        long state = mix(seed) + (index + 1) * GOLDEN_GAMMA;
        return (mix(state) >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finalizer (Stafford's variant 13): a bijection that spreads every input bit over the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
