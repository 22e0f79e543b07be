package dev.baton.engine.sampling;

import java.util.Arrays;

/**
 * Top-k, top-p and min-p, as llama.cpp chains them: top-k, then top-p over the renormalized survivors, then min-p,
 * all on the penalized logits at temperature 1. Each rule keeps a prefix of the rank order (logit descending, ties
 * to the lowest id), so their combination is a prefix too, described by its last member: the cut key (see
 * {@link RankedKeys}). The draw then weighs exactly the tokens at or before the cut. Holds vocabulary-sized scratch.
 */
final class Truncation {
    /** A cut that keeps every token. */
    static final long KEEP_ALL = RankedKeys.of(Float.NEGATIVE_INFINITY, Integer.MAX_VALUE);

    /** Top-p without top-k sorts only one bucket of tokens: buckets by distance below the maximum, per nat. */
    private static final int BUCKETS_PER_NAT = 16;
    /** Distances of this many nats or more share the last bucket. */
    private static final int BUCKET_RANGE_NATS = 32;
    private static final int BUCKETS = BUCKETS_PER_NAT * BUCKET_RANGE_NATS;

    private final long[] keys;
    private final double[] bucketMass = new double[BUCKETS + 1];

    Truncation(int vocabSize) {
        keys = new long[vocabSize];
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
     * The nucleus of the whole vocabulary without sorting it:
     * <ol>
     *   <li>weights at temperature 1 and their total Z (one vector pass);</li>
     *   <li>a floor: a token with weight below (1-p)·Z/V cannot be in the nucleus, because it and every token ranked
     *       after it hold less than (1-p)·Z together, so the tokens ranked before it already reach p·Z (the floor is
     *       set a further nat lower as a margin against rounding);</li>
     *   <li>the mass of the tokens above the floor, bucketed by distance below the maximum, locates the bucket where
     *       the cumulative mass crosses p·Z; only that bucket's tokens are sorted to find the exact crossing.</li>
     * </ol>
     */
    private long nucleusOfAll(float[] row, int base, int vocabSize, float p, float max, WeightedChoice unitWeights) {
        unitWeights.weigh(row, base, max, 1f, KEEP_ALL);
        double total = unitWeights.total();
        double target = p * total;
        float floor = max + (float) Math.log((1 - p) * total / vocabSize) - 1f;
        Arrays.fill(bucketMass, 0);
        for (int id = 0; id < vocabSize; id++) {
            float l = row[base + id];
            if (l >= floor) {
                bucketMass[bucket(max - l)] += unitWeights.weight(id);
            }
        }
        double massAbove = 0;
        int crossing = -1;
        for (int b = 0; b <= BUCKETS; b++) {
            if (massAbove + bucketMass[b] >= target) {
                crossing = b;
                break;
            }
            massAbove += bucketMass[b];
        }
        if (crossing < 0) {
            return RankedKeys.of(floor, Integer.MAX_VALUE); // rounding: keep everything above the floor
        }
        int n = 0;
        for (int id = 0; id < vocabSize; id++) {
            float l = row[base + id];
            if (l >= floor && bucket(max - l) == crossing) {
                keys[n++] = RankedKeys.of(l, id);
            }
        }
        RankedKeys.sort(keys, n);
        double cumulative = massAbove;
        for (int i = 0; i < n; i++) {
            cumulative += unitWeights.weight(RankedKeys.id(keys[i]));
            if (cumulative >= target) {
                return keys[i];
            }
        }
        return keys[n - 1];
    }

    private static int bucket(float distance) {
        return distance >= BUCKET_RANGE_NATS ? BUCKETS : (int) (distance * BUCKETS_PER_NAT);
    }
}
