package dev.baton.kafka;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where a request's time to first token goes on its way through the gateway, Kafka and the stages: each process
 * logs one line per milestone of the request's first token, {@code trace <request id> <milestone> <epoch µs>}, at
 * DEBUG in the category {@code baton.trace}, and {@code bench/gateway/ttft-trace.py} lines the processes' logs up.
 * The processes share one machine's clock, so the differences between them are real. Off by default; then a
 * level check is all a milestone costs. Turn it on with {@code -Dquarkus.log.category."baton.trace".level=DEBUG}.
 */
public final class RequestTrace {
    private static final Logger LOG = Logger.getLogger("baton.trace");

    private RequestTrace() {
    }

    public static boolean enabled() {
        return LOG.isLoggable(Level.FINE);
    }

    /** The request reached {@code milestone} now. */
    public static void mark(String requestId, String milestone) {
        if (enabled()) {
            log(requestId, milestone, nowMicros());
        }
    }

    /** The request reached {@code milestone} at {@code epochMicros} (taken earlier, when the id was not known yet). */
    public static void markAt(String requestId, String milestone, long epochMicros) {
        if (enabled()) {
            log(requestId, milestone, epochMicros);
        }
    }

    /** The request reached {@code milestone} at {@code nanoTime}, a {@link System#nanoTime()} reading. */
    public static void markAtNanos(String requestId, String milestone, long nanoTime) {
        if (enabled()) {
            log(requestId, milestone, nowMicros() - (System.nanoTime() - nanoTime) / 1000);
        }
    }

    /** Microseconds since the epoch, for {@link #markAt}. */
    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    private static void log(String requestId, String milestone, long epochMicros) {
        LOG.fine("trace " + requestId + " " + milestone + " " + epochMicros);
    }
}
