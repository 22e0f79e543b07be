package dev.baton.worker.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one stage has done, for the stats endpoint and for tests (which assert on these counters, never on timing).
 * Counters only grow; gauges are set by the thread that owns the measured state. Thread-safe.
 */
public final class StageStats {
    /** Requests stage 0 admitted into its running set. */
    public final AtomicLong admitted = new AtomicLong();
    /** Requests whose terminal event was acknowledged (finished, cancelled or failed), at stage 0. */
    public final AtomicLong completed = new AtomicLong();
    /** Sequences this stage's sampler finished (STOP or LENGTH), last stage only. */
    public final AtomicLong finished = new AtomicLong();
    public final AtomicLong cancelled = new AtomicLong();
    public final AtomicLong failed = new AtomicLong();
    /** Records sent to baton.requests.dlq. */
    public final AtomicLong deadLettered = new AtomicLong();
    /** Requests given back uncommitted (rebalance, shutdown): another pipeline regenerates them. */
    public final AtomicLong handedBack = new AtomicLong();
    /** Sequences stage 0 re-prefilled after its next stage was lost. */
    public final AtomicLong rebuilt = new AtomicLong();
    public final AtomicLong steps = new AtomicLong();
    public final AtomicLong rows = new AtomicLong();
    public final AtomicLong tokensSampled = new AtomicLong();
    /** Largest number of sequences in one step seen so far: the continuous batch really batching. */
    public final AtomicInteger maxStepSequences = new AtomicInteger();
    /** Largest running set seen at stage 0. */
    public final AtomicInteger maxRunning = new AtomicInteger();
    public final AtomicInteger running = new AtomicInteger();
    /** Times stage 0 paused its request partitions (running set full, or a backlog still waiting for room). */
    public final AtomicLong pauses = new AtomicLong();
    /** Most requests read from Kafka but not yet admitted at once: bounded by one poll (max-batch records). */
    public final AtomicInteger maxBacklog = new AtomicInteger();
    public final AtomicInteger kvSequences = new AtomicInteger();
    public final AtomicLong kvBytesInUse = new AtomicLong();
    public final AtomicLong kvBytesCapacity = new AtomicLong();
    /** Time this stage computes its layers per step. */
    public final LatencyRecorder computeTime = new LatencyRecorder(4096);
    /** Round trip of a step to the next stage and back, including all work behind it. */
    public final LatencyRecorder roundTrip = new LatencyRecorder(4096);
    /** The hop to the next stage alone: round trip minus the time the next stage reports it spent. */
    public final LatencyRecorder hopLatency = new LatencyRecorder(4096);

    public void observeStep(int sequences, int stepRows, long computeNanos) {
        steps.incrementAndGet();
        rows.addAndGet(stepRows);
        maxStepSequences.accumulateAndGet(sequences, Math::max);
        computeTime.record(computeNanos);
    }

    public void observeRunning(int size) {
        running.set(size);
        maxRunning.accumulateAndGet(size, Math::max);
    }

    public void observeHop(long roundTripNanos, long calleeNanos) {
        roundTrip.record(roundTripNanos);
        hopLatency.record(Math.max(0, roundTripNanos - calleeNanos));
    }

    /** Everything as a JSON-friendly map (what GET /stats returns). */
    public Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("admitted", admitted.get());
        m.put("completed", completed.get());
        m.put("finished", finished.get());
        m.put("cancelled", cancelled.get());
        m.put("failed", failed.get());
        m.put("deadLettered", deadLettered.get());
        m.put("handedBack", handedBack.get());
        m.put("rebuilt", rebuilt.get());
        m.put("running", running.get());
        m.put("maxRunning", maxRunning.get());
        m.put("maxStepSequences", maxStepSequences.get());
        m.put("pauses", pauses.get());
        m.put("maxBacklog", maxBacklog.get());
        m.put("steps", steps.get());
        m.put("rows", rows.get());
        m.put("tokensSampled", tokensSampled.get());
        m.put("kvSequences", kvSequences.get());
        m.put("kvBytesInUse", kvBytesInUse.get());
        m.put("kvBytesCapacity", kvBytesCapacity.get());
        m.put("computeTime", computeTime.summary());
        m.put("roundTrip", roundTrip.summary());
        m.put("hopLatency", hopLatency.summary());
        return m;
    }
}
