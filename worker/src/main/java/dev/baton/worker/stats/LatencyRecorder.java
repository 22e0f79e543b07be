package dev.baton.worker.stats;

import java.util.Arrays;

/**
 * The most recent durations of one kind (e.g. one hop's network time per step), for percentiles. A fixed ring of
 * samples: recording allocates nothing; a snapshot sorts a copy. Thread-safe.
 */
public final class LatencyRecorder {
    private final long[] samples;
    private long count;

    public LatencyRecorder(int window) {
        this.samples = new long[window];
    }

    public synchronized void record(long nanos) {
        samples[(int) (count % samples.length)] = nanos;
        count++;
    }

    /** Summary of the window: count (all time), p50, p99 and max in microseconds. */
    public Summary summary() {
        long[] copy;
        long total;
        synchronized (this) {
            total = count;
            copy = Arrays.copyOf(samples, (int) Math.min(count, samples.length));
        }
        if (copy.length == 0) {
            return new Summary(0, 0, 0, 0);
        }
        Arrays.sort(copy);
        return new Summary(total, micros(percentile(copy, 0.50)), micros(percentile(copy, 0.99)),
                micros(copy[copy.length - 1]));
    }

    private static long percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double micros(long nanos) {
        return nanos / 1000.0;
    }

    /** Percentiles in microseconds over the recorded window; {@code count} is every sample ever recorded. */
    public record Summary(long count, double p50Micros, double p99Micros, double maxMicros) {
    }
}
