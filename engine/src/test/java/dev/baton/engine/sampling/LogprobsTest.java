package dev.baton.engine.sampling;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogprobsTest {
    private static final TokenHistory NO_HISTORY = new TokenHistory(new int[0]);

    private static float[] randomLogits(int n, long seed) {
        Random random = new Random(seed);
        float[] logits = new float[n];
        for (int i = 0; i < n; i++) {
            logits[i] = (float) random.nextGaussian() * 4;
        }
        return logits;
    }

    private static SamplingParams withLogprobs(float temperature, float repetition, int top) {
        return new SamplingParams(temperature, 0, 1f, 0f, repetition, 0f, 0f, 64, 9L, top);
    }

    @Test
    void allLogprobsOfTheVocabularySumToOne() {
        float[] logits = randomLogits(300, 1);
        SampledToken t = new Sampler(300).sample(logits, 0, withLogprobs(1f, 1f, 300), 0, NO_HISTORY);
        double sum = 0;
        for (float lp : t.topLogprobs()) {
            sum += Math.exp(lp);
        }
        assertEquals(1.0, sum, 1e-5);
    }

    @Test
    void topAlternativesAreSortedAndIncludeTheirOwnValues() {
        float[] logits = randomLogits(1000, 2);
        SampledToken t = new Sampler(1000).sample(logits, 0, withLogprobs(0f, 1f, 5), 0, NO_HISTORY);
        assertEquals(5, t.topIds().length);
        assertEquals(t.id(), t.topIds()[0], "greedy picks the most likely token");
        assertEquals(t.logprob(), t.topLogprobs()[0]);
        for (int i = 1; i < 5; i++) {
            assertTrue(t.topLogprobs()[i] <= t.topLogprobs()[i - 1]);
            assertTrue(t.topLogprobs()[i] < 0);
        }
    }

    @Test
    void logprobsDescribeTheRawDistribution() {
        float[] logits = {3f, 1f, 0f, -2f};
        double logNormalizer = Math.log(Math.exp(3) + Math.exp(1) + Math.exp(0) + Math.exp(-2));
        Sampler sampler = new Sampler(4);
        TokenHistory history = TokenHistory.of(new int[]{0}, new int[0]);
        for (SamplingParams p : new SamplingParams[]{withLogprobs(0f, 1f, 4), withLogprobs(0.3f, 5f, 4),
                withLogprobs(2f, 1f, 4)}) {
            SampledToken t = sampler.sample(logits, 0, p, 3, history);
            assertArrayEquals(new int[]{0, 1, 2, 3}, t.topIds());
            for (int i = 0; i < 4; i++) {
                assertEquals(logits[i] - logNormalizer, t.topLogprobs()[i], 1e-6);
            }
            assertEquals(logits[t.id()] - logNormalizer, t.logprob(), 1e-6);
        }
        assertEquals(1, sampler.sample(logits, 0, withLogprobs(0f, 5f, 0), 0, history).id(),
                "the penalty moved the choice, not the reported distribution");
    }

    @Test
    void minusOneMeansNoLogprobsAndZeroMeansOnlyTheChosenOne() {
        float[] logits = randomLogits(50, 3);
        Sampler sampler = new Sampler(50);
        SampledToken none = sampler.sample(logits, 0, withLogprobs(1f, 1f, -1), 0, NO_HISTORY);
        assertFalse(none.hasLogprobs());
        assertEquals(0, none.topIds().length);
        SampledToken chosen = sampler.sample(logits, 0, withLogprobs(1f, 1f, 0), 0, NO_HISTORY);
        assertTrue(chosen.hasLogprobs());
        assertEquals(none.id(), chosen.id(), "asking for log-probabilities does not change the draw");
        assertEquals(0, chosen.topIds().length);
    }

    @Test
    void moreAlternativesThanTheVocabularyAreClamped() {
        SampledToken t = new Sampler(3).sample(new float[]{0f, 1f, 2f}, 0, withLogprobs(0f, 1f, 20), 0, NO_HISTORY);
        assertArrayEquals(new int[]{2, 1, 0}, t.topIds());
    }

    @Test
    void maskedTokensHaveMinusInfinity() {
        float n = Float.NEGATIVE_INFINITY;
        SampledToken t = new Sampler(3).sample(new float[]{0f, n, 0f}, 0, withLogprobs(1f, 1f, 3), 0, NO_HISTORY);
        assertArrayEquals(new int[]{0, 2, 1}, t.topIds());
        assertEquals((float) Math.log(0.5), t.topLogprobs()[0], 1e-7);
        assertEquals(n, t.topLogprobs()[2]);
        assertTrue(t.id() != 1);
    }
}
