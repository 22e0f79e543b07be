package dev.baton.scaler.scaling;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the scaler saw and did, for {@code GET /metrics} (Prometheus text, {@code baton_scaler_*}). Written by the
 * scaling loop, read by the HTTP thread.
 */
public final class ScalerMetrics {
    public final AtomicLong leader = new AtomicLong();
    public final AtomicLong lag = new AtomicLong();
    public final AtomicLong partitions = new AtomicLong();
    public final AtomicLong pipelines = new AtomicLong();
    public final AtomicLong desiredPipelines = new AtomicLong();
    public final AtomicLong draining = new AtomicLong(-1);
    public final AtomicLong scaleUps = new AtomicLong();
    public final AtomicLong scaleDowns = new AtomicLong();
    public final AtomicLong drainTimeouts = new AtomicLong();
    public final AtomicLong drainRefusals = new AtomicLong();
    public final AtomicLong failedRounds = new AtomicLong();

    /** The Prometheus text exposition of every metric. */
    public String render() {
        StringBuilder out = new StringBuilder();
        gauge(out, "leader", "1 while this instance holds the lease and scales", leader);
        gauge(out, "request_lag", "requests in baton.requests not yet committed by the pipelines (waiting or running)",
                lag);
        gauge(out, "request_partitions", "partitions of baton.requests: the most pipelines that can work", partitions);
        gauge(out, "pipelines", "pipelines running (stage 0 replicas)", pipelines);
        gauge(out, "pipelines_desired", "pipelines the lag asks for, after hysteresis", desiredPipelines);
        gauge(out, "draining_pipeline", "the pipeline being drained before removal, -1 if none", draining);
        counter(out, "scale_ups_total", "times the pipeline count was raised", scaleUps);
        counter(out, "scale_downs_total", "pipelines removed after draining", scaleDowns);
        counter(out, "drain_timeouts_total", "pipelines removed when their drain did not finish in time", drainTimeouts);
        counter(out, "drain_refusals_total", "drain or resume calls a stage refused with 401: the scaler's admin "
                + "token is missing or not the stages' (a configuration error)", drainRefusals);
        counter(out, "failed_rounds_total", "scaling rounds that failed (Kafka or Kubernetes did not answer)",
                failedRounds);
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, AtomicLong value) {
        metric(out, name, help, "gauge", value);
    }

    private static void counter(StringBuilder out, String name, String help, AtomicLong value) {
        metric(out, name, help, "counter", value);
    }

    private static void metric(StringBuilder out, String name, String help, String type, AtomicLong value) {
        String full = "baton_scaler_" + name;
        out.append("# HELP ").append(full).append(' ').append(help).append('\n')
                .append("# TYPE ").append(full).append(' ').append(type).append('\n')
                .append(full).append(' ').append(value.get()).append('\n');
    }
}
