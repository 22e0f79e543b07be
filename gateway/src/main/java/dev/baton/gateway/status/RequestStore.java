package dev.baton.gateway.status;

import dev.baton.gateway.GatewayConfig;
import dev.baton.proto.TokenEvent;
import dev.baton.proto.ErrorCode;
import dev.baton.proto.ErrorInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests this instance knows: every unfinished one, and the most recent finished ones (at most
 * {@code baton.gateway.recent-requests}; older ones are rebuilt from the reply log on demand). Events for a request
 * it has never seen (published by an earlier run of this instance, which owned the same reply partitions) start a
 * record too, so their status can still be read.
 */
@ApplicationScoped
public class RequestStore {
    private final Map<String, RequestRecord> active = new ConcurrentHashMap<>();
    private final Map<String, RequestRecord> recent;
    private final long idleLimitMs;
    private final RequestMetrics metrics;

    RequestStore(GatewayConfig config, RequestMetrics metrics, MeterRegistry registry) {
        this.idleLimitMs = config.replyTimeout().toMillis();
        this.metrics = metrics;
        registry.gauge("baton.gateway.requests.active", active, Map::size);
        int capacity = Math.max(1, config.recentRequests());
        this.recent = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RequestRecord> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Adds a new request; false when one with this id is still running. */
    public boolean register(RequestRecord record) {
        return active.putIfAbsent(record.id(), record) == null;
    }

    public RequestRecord find(String id) {
        RequestRecord record = active.get(id);
        if (record != null) {
            return record;
        }
        synchronized (recent) {
            return recent.get(id);
        }
    }

    /** Routes one reply event to its request; false when it was a duplicate. */
    public boolean onEvent(TokenEvent event) {
        String id = event.getRequestId();
        RequestRecord record = active.get(id);
        if (record == null) {
            synchronized (recent) {
                if (recent.containsKey(id)) {
                    return false; // a late duplicate of a finished request
                }
            }
            record = active.computeIfAbsent(id, key -> new RequestRecord(key, RequestIds.kindOf(key), "",
                    RequestIds.createdAtMs(key).orElse(event.getCreatedAtMs()), 0, true));
        }
        boolean accepted = record.accept(event);
        if (accepted && event.getIndex() == 0 && event.hasTokenId()) {
            metrics.firstToken(record);
        }
        if (record.isFinished()) {
            retire(record);
        }
        return accepted;
    }

    /** Moves a finished (or abandoned) request from the active set to the recent ones. */
    public void retire(RequestRecord record) {
        synchronized (recent) {
            recent.put(record.id(), record);
        }
        if (active.remove(record.id(), record)) {
            metrics.ended(record.snapshot());
        }
    }

    /** Remembers a request rebuilt from the logs. */
    void remember(RequestRecord record) {
        synchronized (recent) {
            recent.put(record.id(), record);
        }
    }

    /**
     * Ends the unfinished requests that no client waits for and that heard nothing for {@code reply-timeout}, so
     * lost requests do not pile up in memory (requests with a waiting client are ended by their own timeout).
     */
    void sweep(@Observes StartupEvent started, Vertx vertx) {
        long interval = Math.max(1000, Math.min(idleLimitMs, 30_000));
        vertx.setPeriodic(interval, ignored -> {
            long idleSince = System.currentTimeMillis() - idleLimitMs;
            for (RequestRecord record : active.values()) {
                if (record.isAbandonedSince(idleSince)) {
                    record.abandon(RequestRecord.State.FAILED, ErrorInfo.newBuilder().setCode(ErrorCode.ERROR_CODE_INTERNAL)
                            .setMessage("no reply from the pipeline for " + idleLimitMs + " ms").build());
                    retire(record);
                }
            }
        });
    }

}
