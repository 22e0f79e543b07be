package dev.baton.scaler.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The decision alone: the count follows lag ÷ lag-per-pipeline within min, max and the partition count; a load
 * within the tolerance changes nothing; scaling up waits for the cool-down after a change; scaling down waits until
 * the scaler has watched a whole window and goes no lower than the window's highest recommendation.
 */
class PipelineCountFollowsLagWithHysteresisTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final ScalingPolicy POLICY = new ScalingPolicy(16, 1, 6, 0.1, Duration.ofSeconds(30),
            Duration.ofMinutes(5));

    @Test
    void theRecommendationIsTheLagPerPipelineWithinTheBounds() {
        assertEquals(1, POLICY.recommend(0, 3, 8), "no lag: the minimum");
        assertEquals(2, POLICY.recommend(20, 1, 8));
        assertEquals(4, POLICY.recommend(64, 1, 8));
        assertEquals(6, POLICY.recommend(10_000, 2, 8), "at most max-pipelines");
        assertEquals(3, POLICY.recommend(10_000, 2, 3), "never above the partition count");
    }

    @Test
    void aLoadWithinTheToleranceKeepsTheCount() {
        assertEquals(4, POLICY.recommend(64 + 6, 4, 8), "70 / 64 is within 10 %");
        assertEquals(4, POLICY.recommend(64 - 6, 4, 8));
        assertEquals(5, POLICY.recommend(64 + 7, 4, 8), "71 / 64 is not");
    }

    @Test
    void scalingUpIsImmediateButWaitsForTheCooldownAfterAChange() {
        PipelineCountDecider decider = new PipelineCountDecider(POLICY);
        assertEquals(3, decider.decide(T0, 40, 1, 8));
        decider.changed(T0);
        assertEquals(3, decider.decide(T0.plusSeconds(10), 90, 3, 8), "cooling down");
        assertEquals(6, decider.decide(T0.plusSeconds(30), 90, 3, 8));
    }

    @Test
    void scalingDownWaitsForAWholeQuietWindow() {
        PipelineCountDecider decider = new PipelineCountDecider(POLICY);
        assertEquals(4, decider.decide(T0, 0, 4, 8), "just started: nothing watched yet");
        assertEquals(4, decider.decide(T0.plusSeconds(299), 0, 4, 8));
        assertEquals(1, decider.decide(T0.plusSeconds(300), 0, 4, 8), "quiet for the whole window");
    }

    @Test
    void scalingDownGoesNoLowerThanTheWindowsHighestRecommendation() {
        PipelineCountDecider decider = new PipelineCountDecider(POLICY);
        decider.decide(T0, 64, 4, 8);
        decider.decide(T0.plusSeconds(200), 48, 4, 8); // asks for 3
        assertEquals(4, decider.decide(T0.plusSeconds(299), 0, 4, 8), "the window still holds 4");
        assertEquals(3, decider.decide(T0.plusSeconds(301), 0, 4, 8), "the 4 left the window, the 3 has not");
        assertEquals(1, decider.decide(T0.plusSeconds(501), 0, 4, 8));
    }

    @Test
    void aCountOutsideTheBoundsIsCorrectedAtOnce() {
        PipelineCountDecider decider = new PipelineCountDecider(POLICY);
        assertEquals(1, decider.decide(T0, 0, 0, 8), "below the minimum");
        decider.changed(T0);
        assertEquals(6, decider.decide(T0.plusSeconds(1), 0, 9, 8), "above max-pipelines, even in the cool-down");
        assertEquals(2, decider.decide(T0.plusSeconds(2), 0, 5, 2), "partitions went down to 2");
    }

    @Test
    void aPolicyThatCannotWorkIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new ScalingPolicy(0, 1, 4, 0.1, Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> new ScalingPolicy(16, 5, 4, 0.1, Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> new ScalingPolicy(16, 0, 4, 0.1, Duration.ZERO, Duration.ZERO), "no pipeline, no way back");
        assertThrows(IllegalArgumentException.class,
                () -> new ScalingPolicy(16, 1, 4, 1.5, Duration.ZERO, Duration.ZERO));
    }
}
