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
    void nucleusFromBucketsEqualsTheNucleusOfAFullSort() {
        Random random = new Random(11);
        int vocab = 5000;
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
                int[] nucleus = fullSortNucleus(logits, p, max);
                int last = nucleus[nucleus.length - 1];
                assertEquals(RankedKeys.of(logits[last], last), cut, "scale " + scale + " p " + p
                        + ": nucleus of " + nucleus.length + " ends at " + last + ", cut at " + RankedKeys.id(cut));
            }
        }
    }

    private static int[] fullSortNucleus(float[] logits, float p, float max) {
        double total = 0;
        for (float l : logits) {
            total += Math.exp(l - max);
        }
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : a - b);
        double cumulative = 0;
        int n = 0;
        while (n < order.length && logits[order[n]] != Float.NEGATIVE_INFINITY) {
            cumulative += Math.exp(logits[order[n++]] - max);
            if (cumulative >= p * total) {
                break;
            }
        }
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = order[i];
        }
        return ids;
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
