package dev.baton.engine.sampling;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.baton.engine.sampling.Draws.histogram;
import static dev.baton.engine.sampling.Draws.logitsOf;
import static dev.baton.engine.sampling.Draws.sampling;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TruncationRulesTest {
    /** Probabilities 0.5, 0.3, 0.15, 0.05 at temperature 1. */
    private static final float[] FOUR = logitsOf(0.5, 0.3, 0.15, 0.05);
    private static final int DRAWS = 4_000;

    @Test
    void topKKeepsTheKHighest() {
        float[] logits = {1f, 5f, 3f, 4f, 2f};
        assertSupport(logits, sampling(1f, 2, 1f, 0f, 3), 1, 3);
        assertSupport(logits, sampling(1f, 1, 1f, 0f, 3), 1);
        assertSupport(logits, sampling(1f, 5, 1f, 0f, 3), 0, 1, 2, 3, 4);
        assertSupport(logits, sampling(1f, 50, 1f, 0f, 3), 0, 1, 2, 3, 4);
    }

    @Test
    void topKBreaksTiesTowardsTheLowestId() {
        assertSupport(new float[]{1f, 2f, 2f, 2f}, sampling(1f, 2, 1f, 0f, 3), 1, 2);
    }

    @Test
    void topPKeepsTheTokenThatCrossesP() {
        assertSupport(FOUR, sampling(1f, 0, 0.4f, 0f, 3), 0);
        assertSupport(FOUR, sampling(1f, 0, 0.75f, 0f, 3), 0, 1);
        assertSupport(FOUR, sampling(1f, 0, 0.85f, 0f, 3), 0, 1, 2);
        assertSupport(FOUR, sampling(1f, 0, 0.99f, 0f, 3), 0, 1, 2, 3);
    }

    @Test
    void topPRenormalizesOverTheTopKSurvivors() {
        // top-2 leaves 0.625 / 0.375, so p = 0.6 is reached by the first token alone
        assertSupport(FOUR, sampling(1f, 2, 0.6f, 0f, 3), 0);
        assertSupport(FOUR, sampling(1f, 0, 0.6f, 0f, 3), 0, 1);
    }

    @Test
    void minPKeepsTokensWithinAFactorOfTheMostLikely() {
        assertSupport(FOUR, sampling(1f, 0, 1f, 0.2f, 3), 0, 1, 2);
        assertSupport(FOUR, sampling(1f, 0, 1f, 0.5f, 3), 0, 1);
        assertSupport(FOUR, sampling(1f, 0, 1f, 0.7f, 3), 0);
        assertSupport(FOUR, sampling(1f, 0, 1f, 1f, 3), 0);
    }

    @Test
    void rulesCombine() {
        assertSupport(FOUR, sampling(1f, 0, 0.75f, 0.2f, 3), 0, 1);
        assertSupport(FOUR, sampling(1f, 3, 0.99f, 0.5f, 3), 0, 1);
    }

    @Test
    void truncationSeesTemperatureOneAndTemperatureOnlyShapesTheDraw() {
        // at temperature 10 the survivors are nearly uniform, but which tokens survive is decided at temperature 1
        assertSupport(FOUR, sampling(10f, 0, 0.75f, 0f, 3), 0, 1);
        assertSupport(FOUR, sampling(10f, 0, 1f, 0.5f, 3), 0, 1);
        assertSupport(FOUR, sampling(0.5f, 0, 1f, 0.2f, 3), 0, 1, 2);
        long[] counts = histogram(FOUR, sampling(10f, 0, 0.75f, 0f, 3), 20_000);
        double[] expected = Draws.softmax(FOUR, 10f, Draws.only(4, 0, 1));
        assertTrue(Draws.chiSquare(counts, expected, 20_000) < 10.83, "1 degree of freedom, p=0.001");
    }

    @Test
    void nucleusWithoutAFullSortEqualsTheNucleusOfAFullSort() {
        nucleusMatchesAFullSort(5000, new Random(11), 0);
        // a large vocabulary leaves thousands of tokens in the first interval, so refinement takes several passes;
        // with ~10^5 float weights summed, the crossing may move among near-equal tokens by the sums' rounding
        nucleusMatchesAFullSort(65_536, new Random(12), 1e-5);
    }

    /**
     * Compares the cut with the crossing of a double-precision full sort: exactly when {@code tolerance} is 0, else
     * the cut token must cross p·Z within that relative tolerance.
     */
    private static void nucleusMatchesAFullSort(int vocab, Random random, double tolerance) {
        Truncation truncation = new Truncation(vocab);
        WeightedChoice unitWeights = new WeightedChoice(vocab);
        for (float scale : new float[]{0.3f, 1f, 3f, 10f, 40f}) {
            for (float p : new float[]{0.05f, 0.5f, 0.9f, 0.95f, 0.99f, 0.999f}) {
                float[] logits = new float[vocab];
                for (int i = 0; i < vocab; i++) {
                    // rounding to 1/8 makes many exact ties
                    logits[i] = Math.round(random.nextGaussian() * scale * 8) / 8f;
                }
                logits[random.nextInt(vocab)] = Float.NEGATIVE_INFINITY;
                float max = Float.NEGATIVE_INFINITY;
                for (float l : logits) {
                    max = Math.max(max, l);
                }
                long cut = truncation.cut(logits, 0, vocab, max, sampling(1f, 0, p, 0f, 0), unitWeights);
                Integer[] order = rankOrder(logits);
                double[] through = cumulativeWeights(logits, order, max);
                double target = p * through[vocab - 1];
                String where = "scale " + scale + " p " + p + " vocab " + vocab + ": cut at " + RankedKeys.id(cut);
                if (tolerance == 0) {
                    int last = 0;
                    while (through[last] < target) {
                        last++;
                    }
                    assertEquals(RankedKeys.of(logits[order[last]], order[last]), cut, where
                            + ", full sort at " + order[last]);
                } else {
                    int at = java.util.Arrays.asList(order).indexOf(RankedKeys.id(cut));
                    double before = at == 0 ? 0 : through[at - 1];
                    assertTrue(before < target * (1 + tolerance) && through[at] >= target * (1 - tolerance),
                            where + " holds mass " + before + ".." + through[at] + " around target " + target);
                }
            }
        }
    }

    /** Token ids by logit descending, ties by id ascending. */
    private static Integer[] rankOrder(float[] logits) {
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : a - b);
        return order;
    }

    /** Weight at temperature 1 of the tokens ranked up to and including each position, in double precision. */
    private static double[] cumulativeWeights(float[] logits, Integer[] order, float max) {
        double[] through = new double[order.length];
        double cumulative = 0;
        for (int i = 0; i < order.length; i++) {
            cumulative += Math.exp(logits[order[i]] - max);
            through[i] = cumulative;
        }
        return through;
    }

    private static void assertSupport(float[] logits, SamplingParams p, int... expected) {
        long[] counts = histogram(logits, p, DRAWS);
        boolean[] inSupport = Draws.only(logits.length, expected);
        for (int id = 0; id < logits.length; id++) {
            if (inSupport[id]) {
                assertTrue(counts[id] > 0, "token " + id + " never drawn with " + p);
            } else {
                assertEquals(0, counts[id], "token " + id + " drawn with " + p);
            }
        }
    }
}
