package dev.baton.scaler.scaling;

import java.time.Duration;

/**
 * How many pipelines the request lag asks for, and how eagerly to follow it.
 *
 * @param lagPerPipeline     requests (waiting or running) one pipeline should carry: about its max-batch, because
 *                           stage 0 commits a request only once it finished, so running requests count as lag too
 * @param minPipelines       never fewer (at least 1: without a pipeline the gateway refuses requests, so no lag
 *                           would ever call one back; and never more than the partition count)
 * @param maxPipelines       never more; the request topic's partition count caps it as well, since a pipeline
 *                           beyond it would get no partition
 * @param tolerance          no change while lag / (pipelines × lagPerPipeline) stays within 1 ± tolerance
 * @param scaleUpCooldown    after a change, how long before scaling up again (new pipelines take time to load and
 *                           to take their partitions, so the lag lags behind)
 * @param scaleDownWindow    scale down only to the highest count asked for during this window, and only after the
 *                           scaler has watched for a whole window (a short dip, or a restart, removes nothing)
 */
public record ScalingPolicy(int lagPerPipeline, int minPipelines, int maxPipelines, double tolerance,
                            Duration scaleUpCooldown, Duration scaleDownWindow) {

    public ScalingPolicy {
        if (lagPerPipeline < 1) {
            throw new IllegalArgumentException("lag per pipeline must be at least 1, got " + lagPerPipeline);
        }
        if (minPipelines < 1 || minPipelines > maxPipelines) {
            // with no pipeline the gateway answers 503 (no member in the group), so no lag could bring one back
            throw new IllegalArgumentException("pipelines: need 1 <= min <= max, got min " + minPipelines + ", max "
                    + maxPipelines);
        }
        if (tolerance < 0 || tolerance >= 1) {
            throw new IllegalArgumentException("tolerance must be in [0, 1), got " + tolerance);
        }
        if (scaleUpCooldown.isNegative() || scaleDownWindow.isNegative()) {
            throw new IllegalArgumentException("cool-down and window must not be negative");
        }
    }

    /** The most pipelines that can work: the maximum, and no more than the request topic's partitions. */
    public int ceiling(int partitions) {
        return Math.max(0, Math.min(maxPipelines, partitions));
    }

    /** The fewest pipelines to keep: the minimum, unless the partitions are fewer. */
    public int floor(int partitions) {
        return Math.min(minPipelines, ceiling(partitions));
    }

    /**
     * The pipeline count this lag asks for, within floor and ceiling; the current count while the load per pipeline
     * is within the tolerance of the target.
     */
    public int recommend(long lag, int current, int partitions) {
        int wanted;
        if (current > 0 && Math.abs((double) lag / ((double) current * lagPerPipeline) - 1) <= tolerance) {
            wanted = current;
        } else {
            wanted = (int) Math.min(Integer.MAX_VALUE, Math.ceilDiv(Math.max(0, lag), (long) lagPerPipeline));
        }
        return Math.clamp(wanted, floor(partitions), ceiling(partitions));
    }
}
