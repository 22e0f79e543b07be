package dev.baton.engine.sampling;

/**
 * Top-k, top-p and min-p, as llama.cpp chains them: top-k, then top-p over the renormalized survivors, then min-p,
 * all on the penalized logits at temperature 1. Each rule keeps a prefix of the rank order (logit descending, ties
 * to the lowest id), so their combination is a prefix too, described by its last member: the cut key (see
 * {@link RankedKeys}). The draw then weighs exactly the tokens at or before the cut. Holds vocabulary-sized scratch.
 */
final class Truncation {
    /** A cut that keeps every token. */
    static final long KEEP_ALL = RankedKeys.of(Float.NEGATIVE_INFINITY, Integer.MAX_VALUE);

    /**
     * Distances below the maximum logit that the first top-p pass measures at; weights fall below the float range
     * past 87 nats, so nothing further out can matter.
     */
    private static final float[] FIRST_PASS_DISTANCES = {0f, 0.5f, 1.5f, 3f, 6f, 12f, 24f, 88f};
    /** Top-p refines its interval until at most this many tokens are left to sort. */
    private static final int SORT_LIMIT = 512;
    /** Ties (many equal logits) cannot be split by thresholds; stop refining after this many passes anyway. */
    private static final int MAX_PASSES = 6;

    private final long[] keys;
    private final float[] thresholds = new float[LogitKernels.THRESHOLDS];
    private final double[] mass = new double[LogitKernels.THRESHOLDS];
    private final float[] lanes = new float[LogitKernels.LANES];
    /** The tokens still in question during top-p refinement: logits, weights at temperature 1, ids. */
    private final float[] subsetLogits;
    private final float[] subsetWeights;
    private final int[] subsetIds;
    /** The refinement interval, lower &lt;= logit &lt; upper. */
    private float lower;
    private float upper;

    Truncation(int vocabSize) {
        keys = new long[vocabSize];
        subsetLogits = new float[vocabSize];
        subsetWeights = new float[vocabSize];
        subsetIds = new int[vocabSize];
    }

    /**
     * @param unitWeights scratch for weights at temperature 1, needed by top-p without top-k
     * @return the cut key: the last token kept, in rank order
     */
    long cut(float[] row, int base, int vocabSize, float max, SamplingParams p, WeightedChoice unitWeights) {
        long cut = KEEP_ALL;
        boolean topP = p.topP() < 1f;
        if (p.topK() > 0 && p.topK() < vocabSize) {
            int k = RankedKeys.selectBest(row, base, vocabSize, p.topK(), keys);
            cut = topP ? nucleusOfRanked(k, p.topP(), max) : keys[k - 1];
        } else if (topP) {
            cut = nucleusOfAll(row, base, vocabSize, p.topP(), max, unitWeights);
        }
        if (p.minP() > 0f) {
            // min-p keeps logit >= max + ln(minP): probability at least minP times the most likely token's
            cut = Math.min(cut, RankedKeys.of(max + (float) Math.log(p.minP()), Integer.MAX_VALUE));
        }
        return cut;
    }

    /** The nucleus among {@code keys[0 .. k)}, already in rank order: the token whose cumulative share reaches p. */
    private long nucleusOfRanked(int k, float p, float max) {
        double total = 0;
        for (int i = 0; i < k; i++) {
            total += Math.exp(RankedKeys.logit(keys[i]) - max);
        }
        double target = p * total;
        double cumulative = 0;
        for (int i = 0; i < k; i++) {
            cumulative += Math.exp(RankedKeys.logit(keys[i]) - max);
            if (cumulative >= target) {
                return keys[i];
            }
        }
        return keys[k - 1];
    }

    /**
     * The nucleus of the whole vocabulary without sorting it. With the weights at temperature 1 and their total Z
     * (one vector pass), a refinement pass measures, for 8 logit thresholds at once, the mass and count of the tokens
     * at or above each (a vector pass), and keeps the interval where the cumulative mass crosses p·Z. The first pass
     * runs over the whole row at fixed distances below the maximum; the tokens of the chosen interval are then
     * copied out, and later passes run over that shrinking copy until few enough tokens are left to sort and find
     * the exact crossing token. A peaked distribution (the usual case) needs one pass and a copy of a few tokens.
     */
    private long nucleusOfAll(float[] row, int base, int vocabSize, float p, float max, WeightedChoice unitWeights) {
        unitWeights.weigh(row, base, max, 1f, KEEP_ALL);
        double target = p * unitWeights.total();
        for (int j = 0; j < FIRST_PASS_DISTANCES.length; j++) {
            thresholds[j] = max - FIRST_PASS_DISTANCES[j];
        }
        thresholds[0] = Math.nextUp(max); // no token is above: the pass measures mass 0 there
        float[] weights = unitWeights.weights();
        LogitKernels.massAtOrAbove(row, base, weights, vocabSize, thresholds, mass, lanes);
        double massAbove = narrowToCrossing(target);
        int n = 0;
        for (int id = 0; id < vocabSize; id++) {
            float l = row[base + id];
            if (l >= lower && l < upper) {
                subsetLogits[n] = l;
                subsetWeights[n] = weights[id];
                subsetIds[n++] = id;
            }
        }
        for (int pass = 1; pass < MAX_PASSES && n > SORT_LIMIT; pass++) {
            for (int k = 0; k < LogitKernels.THRESHOLDS; k++) {
                thresholds[k] = upper - (upper - lower) * k / (LogitKernels.THRESHOLDS - 1);
            }
            thresholds[LogitKernels.THRESHOLDS - 1] = lower;
            LogitKernels.massAtOrAbove(subsetLogits, 0, subsetWeights, n, thresholds, mass, lanes);
            massAbove += narrowToCrossing(target - massAbove);
            int kept = 0;
            for (int i = 0; i < n; i++) {
                float l = subsetLogits[i];
                if (l >= lower && l < upper) {
                    subsetLogits[kept] = l;
                    subsetWeights[kept] = subsetWeights[i];
                    subsetIds[kept++] = subsetIds[i];
                }
            }
            n = kept;
        }
        if (n == 0) {
            return RankedKeys.of(lower, Integer.MAX_VALUE); // only after rounding trouble: keep all above lower
        }
        for (int i = 0; i < n; i++) {
            keys[i] = RankedKeys.of(subsetLogits[i], subsetIds[i]);
        }
        RankedKeys.sort(keys, n);
        double cumulative = massAbove;
        for (int i = 0; i < n; i++) {
            cumulative += weights[RankedKeys.id(keys[i])];
            if (cumulative >= target) {
                return keys[i];
            }
        }
        return keys[n - 1];
    }

    /**
     * After a pass: sets [lower, upper) to the first threshold interval whose cumulative mass reaches the target
     * (the last one if rounding kept every sum short) and returns the mass above it within the measured set.
     */
    private double narrowToCrossing(double target) {
        int j = 1;
        while (j < LogitKernels.THRESHOLDS - 1 && mass[j] < target) {
            j++;
        }
        upper = thresholds[j - 1];
        lower = thresholds[j];
        return mass[j - 1];
    }
}
