package dev.baton.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogitBiasTest {
    private static final float[] LOGITS = {1f, 3f, 2f, 0f};
    private static final TokenHistory NO_HISTORY = new TokenHistory(new int[0]);

    private static SampledToken sample(SamplingParams p, int tokenIndex) {
        return new Sampler(LOGITS.length).sample(LOGITS, 0, p, tokenIndex, NO_HISTORY);
    }

    @Test
    void aBanMovesGreedyToTheNextBestToken() {
        SamplingParams p = SamplingParams.greedy().withLogitBias(LogitBias.of(Map.of(1, -100f)));
        assertEquals(2, sample(p, 0).id());
    }

    @Test
    void aLargePositiveBiasForcesATokenEvenAtHighTemperature() {
        SamplingParams p = new SamplingParams(2f, 0, 1f, 0f, 1f, 0f, 0f, 64, 7L, -1)
                .withLogitBias(LogitBias.of(Map.of(3, 100f)));
        for (int i = 0; i < 200; i++) {
            assertEquals(3, sample(p, i).id());
        }
    }

    @Test
    void logprobsStillDescribeTheModelsOwnDistribution() {
        SamplingParams plain = new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, 64, 0L, 2);
        SampledToken unbiased = sample(plain, 0);
        SampledToken biased = sample(plain.withLogitBias(LogitBias.of(Map.of(0, 50f))), 0);
        assertEquals(0, biased.id());
        assertArrayEquals(unbiased.topIds(), biased.topIds());
        assertArrayEquals(unbiased.topLogprobs(), biased.topLogprobs());
    }

    @Test
    void theBiasAppliesBeforeTheRepetitionPenalty() {
        // llama.cpp's order: token 0's 1 + 1.6 is halved by the penalty to 1.3 (< token 2's 2); the other order gives 2.1
        SamplingParams p = new SamplingParams(0f, 0, 1f, 0f, 2f, 0f, 0f, 64, 0L, -1)
                .withLogitBias(LogitBias.of(Map.of(0, 1.6f, 1, -2.5f)));
        assertEquals(2, new Sampler(LOGITS.length).sample(LOGITS, 0, p, 0, new TokenHistory(new int[] {0})).id());
    }

    @Test
    void outOfRangeValuesAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogitBias.of(Map.of(1, 100.5f))).getMessage()
                .contains("[-100, 100]"));
        assertThrows(IllegalArgumentException.class, () -> LogitBias.of(Map.of(1, Float.NaN)));
        assertThrows(IllegalArgumentException.class, () -> LogitBias.of(Map.of(-1, 1f)));
        SamplingParams outside = SamplingParams.greedy().withLogitBias(LogitBias.of(Map.of(4, 1f)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sample(outside, 0)).getMessage()
                .contains("outside the vocabulary"));
    }

    @Test
    void anEmptyBiasIsNone() {
        assertEquals(LogitBias.NONE, LogitBias.of(Map.of()));
        assertEquals(-1, LogitBias.NONE.maxId());
        assertEquals(3, LogitBias.of(Map.of(3, 1f, 0, 2f)).maxId());
    }
}
