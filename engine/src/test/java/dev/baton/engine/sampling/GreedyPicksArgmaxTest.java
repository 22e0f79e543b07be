package dev.baton.engine.sampling;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GreedyPicksArgmaxTest {
    private static final TokenHistory NO_HISTORY = new TokenHistory(new int[0]);

    @Test
    void picksTheHighestLogit() {
        Random random = new Random(7);
        Sampler sampler = new Sampler(1000);
        for (int trial = 0; trial < 50; trial++) {
            float[] logits = new float[1000];
            int expected = 0;
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) random.nextGaussian() * 5;
                if (logits[i] > logits[expected]) {
                    expected = i;
                }
            }
            assertEquals(expected, sampler.sample(logits, 0, SamplingParams.greedy(), trial, NO_HISTORY).id());
        }
    }

    @Test
    void tiesGoToTheLowestId() {
        float[] logits = {1f, 3f, 2f, 3f, 3f};
        assertEquals(1, new Sampler(5).sample(logits, 0, SamplingParams.greedy(), 0, NO_HISTORY).id());
    }

    @Test
    void positiveAndNegativeZeroTie() {
        float[] logits = {-1f, -0f, 0f};
        assertEquals(1, new Sampler(3).sample(logits, 0, SamplingParams.greedy(), 0, NO_HISTORY).id());
    }

    @Test
    void readsTheRowAtTheOffset() {
        float[] batch = {9f, 0f, 0f, /* row 1 */ 0f, 0f, 5f, /* row 2 */ 0f, 4f, 0f};
        Sampler sampler = new Sampler(3);
        assertEquals(2, sampler.sample(batch, 3, SamplingParams.greedy(), 0, NO_HISTORY).id());
        assertEquals(1, sampler.sample(batch, 6, SamplingParams.greedy(), 0, NO_HISTORY).id());
    }

    @Test
    void negativeInfinityMasksTokens() {
        float n = Float.NEGATIVE_INFINITY;
        assertEquals(2, new Sampler(4).sample(new float[]{n, n, -50f, n}, 0, SamplingParams.greedy(), 0, NO_HISTORY).id());
    }

    @Test
    void greedyIgnoresSeedAndIndex() {
        float[] logits = {0.1f, 0.2f, 0.15f};
        Sampler sampler = new Sampler(3);
        for (int i = 0; i < 10; i++) {
            SamplingParams p = new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, 64, i * 31L, -1);
            assertEquals(1, sampler.sample(logits, 0, p, i, NO_HISTORY).id());
        }
    }
}
