package dev.baton.scaler.scaling;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Turns each lag observation into the pipeline count to run now, with hysteresis: scale up at once (after the
 * cool-down), scale down only to the highest recommendation of the last window, and only once the scaler has
 * watched a whole window. Outside floor and ceiling (the partition count) it corrects at once. Not thread-safe: the
 * scaler's single loop calls it.
 */
public final class PipelineCountDecider {
    private final ScalingPolicy policy;
    private final Deque<Recommendation> window = new ArrayDeque<>();
    private Instant watchingSince;
    private Instant lastChange;

    private record Recommendation(Instant at, int pipelines) {
    }

    public PipelineCountDecider(ScalingPolicy policy) {
        this.policy = policy;
    }

    /** The pipeline count to run, given the lag now, the pipelines running and the request topic's partitions. */
    public int decide(Instant now, long lag, int current, int partitions) {
        if (watchingSince == null) {
            watchingSince = now;
        }
        int recommended = policy.recommend(lag, current, partitions);
        window.addLast(new Recommendation(now, recommended));
        while (!window.isEmpty() && window.peekFirst().at().isBefore(now.minus(policy.scaleDownWindow()))) {
            window.removeFirst();
        }
        if (current < policy.floor(partitions)) {
            return policy.floor(partitions);
        }
        if (current > policy.ceiling(partitions)) {
            return policy.ceiling(partitions);
        }
        if (recommended > current) {
            boolean coolingDown = lastChange != null && now.isBefore(lastChange.plus(policy.scaleUpCooldown()));
            return coolingDown ? current : recommended;
        }
        if (recommended < current && !now.isBefore(watchingSince.plus(policy.scaleDownWindow()))) {
            int highest = window.stream().mapToInt(Recommendation::pipelines).max().orElse(current);
            return Math.min(current, highest);
        }
        return current;
    }

    /** The pipeline count was changed at {@code now} (starts the scale-up cool-down). */
    public void changed(Instant now) {
        lastChange = now;
    }
}
