package dev.baton.worker.app;

import dev.baton.worker.runtime.StageRuntime;
import dev.baton.worker.stats.LatencyRecorder;
import dev.baton.worker.stats.StageStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * The stage's counters as Prometheus metrics (GET /metrics), named {@code baton_worker_*} and tagged with the model
 * and stage index, so that one dashboard covers every stage of every pipeline. They read the same {@link StageStats}
 * as GET /stats; recorded latencies are exported as their recent p50 and p99 (a {@code quantile} tag).
 */
final class StageMetrics {
    private StageMetrics() {
    }

    static void bind(MeterRegistry registry, StageRuntime runtime) {
        StageStats s = runtime.stats();
        Tags tags = Tags.of("model", runtime.slice().modelName(), "stage", Integer.toString(runtime.slice().stageIndex()));
        counter(registry, tags, "requests.admitted", "requests stage 0 admitted into its running set", s.admitted);
        counter(registry, tags, "requests.completed", "requests whose terminal event was acknowledged at stage 0",
                s.completed);
        counter(registry, tags, "sequences.finished", "sequences the sampler finished (stop or length)", s.finished);
        counter(registry, tags, "requests.cancelled", "requests cancelled", s.cancelled);
        counter(registry, tags, "requests.failed", "requests that failed", s.failed);
        counter(registry, tags, "requests.dead.lettered", "records sent to baton.requests.dlq", s.deadLettered);
        counter(registry, tags, "requests.handed.back", "requests given back uncommitted for another pipeline",
                s.handedBack);
        counter(registry, tags, "sequences.rebuilt", "sequences re-prefilled after the next stage was lost", s.rebuilt);
        counter(registry, tags, "steps", "forward steps this stage ran", s.steps);
        counter(registry, tags, "step.rows", "token rows (prompt and generated) this stage computed", s.rows);
        counter(registry, tags, "tokens.sampled", "tokens the sampler produced", s.tokensSampled);
        counter(registry, tags, "pauses", "times stage 0 paused its request partitions", s.pauses);
        gauge(registry, tags, "sequences.running", "sequences in stage 0's running set", s.running);
        gauge(registry, tags, "kv.sequences", "sequences holding KV cache in this stage", s.kvSequences);
        gauge(registry, tags, "kv.bytes.in.use", "KV cache bytes in use", s.kvBytesInUse);
        gauge(registry, tags, "kv.bytes.capacity", "KV cache bytes this stage may use", s.kvBytesCapacity);
        gauge(registry, tags, "ready", "1 when the stage is ready", runtime, r -> r.ready() ? 1 : 0);
        gauge(registry, tags, "drain.state", "stage 0 taking requests: 0 serving, 1 draining, 2 drained", runtime,
                r -> r.drainState().ordinal());
        latency(registry, tags, "step.compute", "time this stage computes its layers per step", s.computeTime);
        latency(registry, tags, "step.round.trip", "a step's round trip to the next stage and back", s.roundTrip);
        latency(registry, tags, "hop", "the hop to the next stage alone", s.hopLatency);
    }

    private static void counter(MeterRegistry registry, Tags tags, String name, String help, AtomicLong value) {
        FunctionCounter.builder("baton.worker." + name, value, AtomicLong::get).description(help).tags(tags)
                .register(registry);
    }

    private static void gauge(MeterRegistry registry, Tags tags, String name, String help, AtomicInteger value) {
        gauge(registry, tags, name, help, value, AtomicInteger::get);
    }

    private static void gauge(MeterRegistry registry, Tags tags, String name, String help, AtomicLong value) {
        gauge(registry, tags, name, help, value, AtomicLong::get);
    }

    private static <T> void gauge(MeterRegistry registry, Tags tags, String name, String help, T source,
                                  ToDoubleFunction<T> value) {
        Gauge.builder("baton.worker." + name, source, value).description(help).tags(tags).strongReference(true)
                .register(registry);
    }

    private static void latency(MeterRegistry registry, Tags tags, String name, String help, LatencyRecorder recorder) {
        String seconds = "baton.worker." + name + ".seconds";
        Gauge.builder(seconds, recorder, r -> r.summary().p50Micros() / 1e6).description(help + ", recent p50")
                .tags(tags.and("quantile", "0.5")).strongReference(true).register(registry);
        Gauge.builder(seconds, recorder, r -> r.summary().p99Micros() / 1e6).description(help + ", recent p99")
                .tags(tags.and("quantile", "0.99")).strongReference(true).register(registry);
    }
}
