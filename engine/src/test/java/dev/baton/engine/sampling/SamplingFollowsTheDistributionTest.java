package dev.baton.engine.sampling;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.baton.engine.sampling.Draws.all;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplingFollowsTheDistributionTest {
    private static final float[] LOGITS = {2f, 1f, 0.5f, 0f, -1f, -3f};
    private static final int DRAWS = 40_000;
    /** Chi-square bound for 5 degrees of freedom at p = 0.001; the draws are deterministic, so this never flakes. */
    private static final double BOUND = 20.52;

    @ParameterizedTest
    @ValueSource(floats = {1f, 0.7f, 1.8f})
    void frequenciesMatchSoftmaxAtTheTemperature(float temperature) {
        for (long seed : new long[]{1, 99}) {
            long[] counts = Draws.histogram(LOGITS, Draws.sampling(temperature, 0, 1f, 0f, seed), DRAWS);
            double chi = Draws.chiSquare(counts, Draws.softmax(LOGITS, temperature, all(LOGITS.length)), DRAWS);
            assertTrue(chi < BOUND, "temperature " + temperature + " seed " + seed + ": chi-square " + chi);
        }
    }

    @ParameterizedTest
    @ValueSource(floats = {1f, 0.5f})
    void topKKeepsTheRelativeProbabilitiesOfTheSurvivors(float temperature) {
        long[] counts = Draws.histogram(LOGITS, Draws.sampling(temperature, 3, 1f, 0f, 5), DRAWS);
        double chi = Draws.chiSquare(counts, Draws.softmax(LOGITS, temperature, Draws.only(6, 0, 1, 2)), DRAWS);
        assertTrue(chi < 13.82, "chi-square " + chi + " (2 degrees of freedom)");
    }
}
