package dev.baton.engine.sampling;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PenaltiesTest {
    private static final int[] NONE = {};

    private static SamplingParams repetition(float penalty, int lastN) {
        return new SamplingParams(0f, 0, 1f, 0f, penalty, 0f, 0f, lastN, 0L, -1);
    }

    private static SamplingParams presenceFrequency(float presence, float frequency) {
        return new SamplingParams(0f, 0, 1f, 0f, 1f, presence, frequency, 64, 0L, -1);
    }

    private static float[] penalize(float[] logits, SamplingParams p, TokenHistory history) {
        float[] copy = logits.clone();
        new Penalties(logits.length).apply(copy, p, history);
        return copy;
    }

    @Test
    void repetitionDividesPositiveAndMultipliesNegativeLogits() {
        float[] out = penalize(new float[]{2f, -1f, 3f, 0f}, repetition(2f, 64), new TokenHistory(new int[]{0, 1, 3}));
        assertArrayEquals(new float[]{1f, -2f, 3f, 0f}, out);
    }

    @Test
    void repetitionAppliesOncePerDistinctTokenOverPromptAndOutput() {
        TokenHistory history = TokenHistory.of(new int[]{0, 0}, new int[]{0, 1, 1});
        assertArrayEquals(new float[]{1f, 2f, 4f}, penalize(new float[]{2f, 4f, 4f}, repetition(2f, 64), history));
    }

    @Test
    void repetitionLooksOnlyAtTheLastNTokens() {
        TokenHistory history = TokenHistory.of(new int[]{0, 1}, new int[]{2});
        float[] logits = {4f, 4f, 4f};
        assertArrayEquals(new float[]{4f, 2f, 2f}, penalize(logits, repetition(2f, 2), history));
        assertArrayEquals(new float[]{2f, 2f, 2f}, penalize(logits, repetition(2f, -1), history));
        assertArrayEquals(new float[]{2f, 2f, 2f}, penalize(logits, repetition(2f, 100), history));
        assertArrayEquals(logits, penalize(logits, repetition(2f, 0), history));
    }

    @Test
    void presenceAndFrequencyCountOnlyGeneratedTokens() {
        TokenHistory history = TokenHistory.of(new int[]{0, 1, 1}, new int[]{1, 2, 2, 2});
        float[] out = penalize(new float[]{5f, 5f, 5f, 5f}, presenceFrequency(0.5f, 0.25f), history);
        assertArrayEquals(new float[]{5f, 5f - 0.25f - 0.5f, 5f - 0.75f - 0.5f, 5f}, out);
    }

    @Test
    void negativePenaltiesEncourageRepeats() {
        TokenHistory history = TokenHistory.of(NONE, new int[]{1});
        assertArrayEquals(new float[]{1f, 2f}, penalize(new float[]{1f, 0f}, presenceFrequency(-1f, -1f), history));
    }

    @Test
    void repetitionComesBeforeTheAdditivePenalties() {
        SamplingParams p = new SamplingParams(0f, 0, 1f, 0f, 2f, 1f, 0f, 64, 0L, -1);
        TokenHistory history = TokenHistory.of(NONE, new int[]{0});
        assertArrayEquals(new float[]{1f}, penalize(new float[]{4f}, p, history));
    }

    @Test
    void greedyDecodingSeesThePenalties() {
        Sampler sampler = new Sampler(2);
        float[] logits = {2f, 1.9f};
        TokenHistory history = TokenHistory.of(new int[]{0}, NONE);
        assertEquals(1, sampler.sample(logits, 0, repetition(1.5f, 64), 0, history).id());
        assertEquals(0, sampler.sample(logits, 0, presenceFrequency(0.5f, 0f), 0, history).id(), "prompt is exempt");
        history.append(0);
        assertEquals(1, sampler.sample(logits, 0, presenceFrequency(0.5f, 0f), 1, history).id());
        assertArrayEquals(new float[]{2f, 1.9f}, logits, "the caller's logits stay untouched");
    }

    @Test
    void aHistoryIdOutsideTheVocabularyIsRefusedAndLeavesNoTrace() {
        Sampler sampler = new Sampler(3);
        TokenHistory bad = TokenHistory.of(new int[]{0, 1}, new int[]{1, 7});
        SamplingParams p = new SamplingParams(0f, 0, 1f, 0f, 2f, 1f, 1f, 64, 0L, -1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sampler.sample(new float[]{1f, 1f, 1f}, 0, p, 0, bad));
        assertTrue(e.getMessage().contains("7"), e.getMessage());
        // a later call with a clean history is not affected by the aborted one
        TokenHistory good = TokenHistory.of(NONE, new int[]{0});
        assertEquals(1, sampler.sample(new float[]{1f, 1f, 0.5f}, 0, p, 0, good).id());
    }
}
