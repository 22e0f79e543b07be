package dev.baton.loadgen;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one run: TTFT and inter-token latency percentiles over all successful requests, aggregate generated
 * tokens per second over the run's wall time, and the failed request count. {@link #toJson()} prints exactly the
 * keys scripts depend on. {@code clientCpuSeconds} is the CPU the load generator itself spent during the measured
 * requests (-1 when unknown): on one machine it is taken from the system under test.
 */
record BenchReport(int concurrency, int requests, double ttftP50Ms, double ttftP99Ms, double itlP50Ms,
                   double itlP99Ms, double tps, int errors, long tokens, double seconds, double overheadP50Ms,
                   double overheadP99Ms, double clientCpuSeconds) {

    static BenchReport of(int concurrency, List<StreamedRequest.Timing> timings, long wallNanos, long clientCpuNanos) {
        long[] ttfts = timings.stream().filter(t -> t.error() == null).mapToLong(StreamedRequest.Timing::ttftNanos).toArray();
        long[] gaps = timings.stream().filter(t -> t.error() == null).flatMapToLong(t -> Arrays.stream(t.gapsNanos())).toArray();
        long tokens = timings.stream().filter(t -> t.error() == null).mapToLong(StreamedRequest.Timing::tokens).sum();
        int errors = (int) timings.stream().filter(t -> t.error() != null).count();
        // what the request spent outside the pipeline's own prefill: HTTP, tokenizer, Kafka both ways, queueing
        long[] overheads = timings.stream().filter(t -> t.error() == null && t.prefillMs() >= 0)
                .mapToLong(t -> t.ttftNanos() - t.prefillMs() * 1_000_000).toArray();
        double seconds = wallNanos / 1e9;
        return new BenchReport(concurrency, timings.size(), percentileMs(ttfts, 50), percentileMs(ttfts, 99),
                percentileMs(gaps, 50), percentileMs(gaps, 99), seconds > 0 ? tokens / seconds : 0, errors, tokens, seconds,
                overheads.length == 0 ? Double.NaN : percentileMs(overheads, 50),
                overheads.length == 0 ? Double.NaN : percentileMs(overheads, 99), clientCpuNanos < 0 ? -1 : clientCpuNanos / 1e9);
    }

    /** Nearest-rank percentile in milliseconds; 0 when there is nothing to rank. */
    static double percentileMs(long[] nanos, int percentile) {
        if (nanos.length == 0) {
            return 0;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    String toJson() {
        return String.format(Locale.ROOT, "{\"concurrency\":%d,\"requests\":%d,\"ttft_p50_ms\":%.2f,\"ttft_p99_ms\":%.2f,"
                        + "\"itl_p50_ms\":%.2f,\"itl_p99_ms\":%.2f,\"tps\":%.2f,\"errors\":%d}",
                concurrency, requests, ttftP50Ms, ttftP99Ms, itlP50Ms, itlP99Ms, tps, errors);
    }

    /** The table; it adds the TTFT outside the pipeline's prefill when the server reports its timings. */
    String toTable() {
        String table = String.format(Locale.ROOT, """
                concurrency      %d
                requests         %d (%d failed)
                tokens           %d in %.2f s
                ttft p50 / p99   %.2f / %.2f ms
                itl  p50 / p99   %.2f / %.2f ms
                tokens/s         %.2f""", concurrency, requests, errors, tokens, seconds, ttftP50Ms, ttftP99Ms,
                itlP50Ms, itlP99Ms, tps);
        if (!Double.isNaN(overheadP50Ms)) {
            table += String.format(Locale.ROOT, "%nttft - pipeline prefill p50 / p99   %.2f / %.2f ms", overheadP50Ms,
                    overheadP99Ms);
        }
        if (clientCpuSeconds >= 0 && tokens > 0) {
            table += String.format(Locale.ROOT, "%nclient CPU       %.2f s (%.1f µs per token)", clientCpuSeconds,
                    clientCpuSeconds * 1e6 / tokens);
        }
        return table;
    }
}
