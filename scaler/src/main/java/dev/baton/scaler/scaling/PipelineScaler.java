package dev.baton.scaler.scaling;

import dev.baton.scaler.drain.PipelineDrain;
import dev.baton.scaler.kubernetes.StageSets;
import dev.baton.scaler.lag.RequestLag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One scaling round, run by the leader at a fixed interval: read the lag and the stage StatefulSets, decide the
 * pipeline count, and act.
 *
 * <ul>
 *   <li>Stages whose replica counts differ (an interrupted round, a manual edit) are set to stage 0's count first:
 *   an incomplete pipeline would hold partitions it cannot serve.</li>
 *   <li>Up: every stage is set to the new count at once.</li>
 *   <li>Down: one pipeline at a time. The highest one (the pods a scale down removes) is drained first; it is
 *   removed once drained, unreachable, or after the drain timeout (then its stage 0 hands what still runs back to the
 *   log on shutdown). If the lag rises again meanwhile, the drain is undone. A stage that refuses the calls (the
 *   admin tokens differ) is counted in {@code drain_refusals_total}, and its drain ends in the timeout.</li>
 * </ul>
 */
public final class PipelineScaler {
    private static final Logger LOG = Logger.getLogger(PipelineScaler.class.getName());

    private final Supplier<RequestLag.Reading> lag;
    private final StageSets stages;
    private final PipelineDrain drain;
    private final PipelineCountDecider decider;
    private final Duration drainTimeout;
    private final ScalerMetrics metrics;
    private final Clock clock;
    private Draining draining;

    private record Draining(int pipeline, Instant since) {
    }

    public PipelineScaler(Supplier<RequestLag.Reading> lag, StageSets stages, PipelineDrain drain,
                          PipelineCountDecider decider, Duration drainTimeout, ScalerMetrics metrics, Clock clock) {
        this.lag = lag;
        this.stages = stages;
        this.drain = drain;
        this.decider = decider;
        this.drainTimeout = drainTimeout;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * On becoming leader: a previous leader may have left a pipeline draining; every running pipeline takes
     * requests again before this one decides anything.
     */
    public void takeOver() {
        draining = null;
        metrics.draining.set(-1);
        StageSets.Pipelines pipelines = stages.read();
        for (int i = 0; i < pipelines.count(); i++) {
            PipelineDrain.State state = drain.state(i);
            if (state == PipelineDrain.State.DRAINING || state == PipelineDrain.State.DRAINED) {
                LOG.info("pipeline " + i + " was left " + state + " by a previous leader: resuming it");
                askToResume(i);
            }
        }
    }

    /** One round. Failures of Kafka or the Kubernetes API propagate; the next round starts afresh from what is. */
    public void round() {
        Instant now = clock.instant();
        RequestLag.Reading reading = lag.get();
        StageSets.Pipelines pipelines = stages.read();
        int current = pipelines.count();
        metrics.lag.set(reading.lag());
        metrics.partitions.set(reading.partitions());
        metrics.pipelines.set(current);
        if (!pipelines.aligned()) {
            LOG.warning("stage replica counts differ " + pipelines.stages() + ": setting every stage to " + current);
            stages.scaleAll(pipelines, current);
            pipelines = stages.read();
        }
        int target = decider.decide(now, reading.lag(), current, reading.partitions());
        metrics.desiredPipelines.set(target);
        if (draining != null && draining.pipeline() != current - 1) {
            // someone else changed the count meanwhile: a pipeline that is no longer the highest must serve again
            if (draining.pipeline() < current) {
                askToResume(draining.pipeline());
            }
            draining = null;
            metrics.draining.set(-1);
        }
        if (draining != null) {
            continueDrain(now, pipelines, current, target);
        } else if (target > current) {
            LOG.info("lag " + reading.lag() + " over " + reading.partitions() + " partitions: " + current + " -> "
                    + target + " pipelines");
            stages.scaleAll(pipelines, target);
            decider.changed(now);
            metrics.scaleUps.incrementAndGet();
        } else if (target < current) {
            int highest = current - 1;
            LOG.info("lag " + reading.lag() + ": draining pipeline " + highest + " to go to " + (current - 1));
            draining = new Draining(highest, now);
            metrics.draining.set(highest);
            if (removable(askToDrain(highest))) {
                remove(now, pipelines, current);
            }
        }
    }

    private void continueDrain(Instant now, StageSets.Pipelines pipelines, int current, int target) {
        int pipeline = draining.pipeline();
        if (target >= current) {
            LOG.info("lag rose again: pipeline " + pipeline + " takes requests again");
            askToResume(pipeline);
            draining = null;
            metrics.draining.set(-1);
            return;
        }
        PipelineDrain.State state = drain.state(pipeline);
        if (removable(state)) {
            remove(now, pipelines, current);
        } else if (!now.isBefore(draining.since().plus(drainTimeout))) {
            LOG.warning("pipeline " + pipeline + " still " + state + " after " + drainTimeout
                    + ": removing it; its stage 0 hands unfinished requests back to the log");
            metrics.drainTimeouts.incrementAndGet();
            remove(now, pipelines, current);
        } else if (state == PipelineDrain.State.SERVING) {
            askToDrain(pipeline); // restarted meanwhile, or refused the last call
        }
    }

    private PipelineDrain.State askToDrain(int pipeline) {
        return countRefusal(drain.drain(pipeline));
    }

    private void askToResume(int pipeline) {
        countRefusal(drain.resume(pipeline));
    }

    /**
     * A refused call changed nothing and is not retried beyond the usual rounds: a refused drain is asked again while
     * the pipeline still serves and ends in the drain timeout; a refused resume leaves the pipeline drained.
     */
    private PipelineDrain.State countRefusal(PipelineDrain.State state) {
        if (state == PipelineDrain.State.REFUSED) {
            metrics.drainRefusals.incrementAndGet();
        }
        return state;
    }

    private static boolean removable(PipelineDrain.State state) {
        return state == PipelineDrain.State.DRAINED || state == PipelineDrain.State.UNREACHABLE;
    }

    private void remove(Instant now, StageSets.Pipelines pipelines, int current) {
        LOG.info("pipeline " + (current - 1) + " drained: " + current + " -> " + (current - 1) + " pipelines");
        stages.scaleAll(pipelines, current - 1);
        decider.changed(now);
        draining = null;
        metrics.draining.set(-1);
        metrics.scaleDowns.incrementAndGet();
        metrics.pipelines.set(current - 1);
    }
}
