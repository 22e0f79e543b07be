package dev.baton.engine.sampling;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerRejectsBadInputTest {
    private static final TokenHistory NO_HISTORY = new TokenHistory(new int[0]);
    private final Sampler sampler = new Sampler(3);

    private static void assertRefused(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    private void sample(float[] logits, SamplingParams p) {
        sampler.sample(logits, 0, p, 0, NO_HISTORY);
    }

    @Test
    void nanAndInfiniteLogits() {
        SamplingParams random = Draws.sampling(1f, 0, 1f, 0f, 1);
        for (SamplingParams p : new SamplingParams[]{SamplingParams.greedy(), random}) {
            assertRefused("token 1 is NaN", () -> sample(new float[]{0f, Float.NaN, 1f}, p));
            assertRefused("+infinity", () -> sample(new float[]{0f, Float.POSITIVE_INFINITY, 1f}, p));
            float n = Float.NEGATIVE_INFINITY;
            assertRefused("no token has a finite logit", () -> sample(new float[]{n, n, n}, p));
        }
    }

    @Test
    void rowOutsideTheArray() {
        assertThrows(IndexOutOfBoundsException.class,
                () -> sampler.sample(new float[5], 3, SamplingParams.greedy(), 0, NO_HISTORY));
        assertRefused("token index", () -> sampler.sample(new float[3], 0, SamplingParams.greedy(), -1, NO_HISTORY));
        assertRefused("vocabulary size", () -> new Sampler(0));
    }

    @Test
    void outOfRangeParameters() {
        assertRefused("temperature", () -> new SamplingParams(-1f, 0, 1f, 0f, 1f, 0f, 0f, 64, 0, -1));
        assertRefused("temperature", () -> new SamplingParams(Float.NaN, 0, 1f, 0f, 1f, 0f, 0f, 64, 0, -1));
        assertRefused("topK", () -> new SamplingParams(1f, -1, 1f, 0f, 1f, 0f, 0f, 64, 0, -1));
        assertRefused("topP", () -> new SamplingParams(1f, 0, 0f, 0f, 1f, 0f, 0f, 64, 0, -1));
        assertRefused("topP", () -> new SamplingParams(1f, 0, 1.5f, 0f, 1f, 0f, 0f, 64, 0, -1));
        assertRefused("minP", () -> new SamplingParams(1f, 0, 1f, -0.1f, 1f, 0f, 0f, 64, 0, -1));
        assertRefused("repetitionPenalty", () -> new SamplingParams(1f, 0, 1f, 0f, 0f, 0f, 0f, 64, 0, -1));
        assertRefused("presencePenalty", () -> new SamplingParams(1f, 0, 1f, 0f, 1f, 2.5f, 0f, 64, 0, -1));
        assertRefused("frequencyPenalty", () -> new SamplingParams(1f, 0, 1f, 0f, 1f, 0f, Float.NaN, 64, 0, -1));
        assertRefused("penaltyLastN", () -> new SamplingParams(1f, 0, 1f, 0f, 1f, 0f, 0f, -2, 0, -1));
        assertRefused("topLogprobs", () -> new SamplingParams(1f, 0, 1f, 0f, 1f, 0f, 0f, 64, 0, -2));
        assertRefused("token ids", () -> new TokenHistory(new int[]{-3}));
    }
}
