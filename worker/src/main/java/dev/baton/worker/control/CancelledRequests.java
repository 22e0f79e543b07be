package dev.baton.worker.control;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Request ids recently cancelled on baton.control, remembered for a while so that a cancel that arrives before its
 * request (the request still queued in Kafka, or its Admit still on the way to this stage) is honoured when the
 * request shows up. Bounded: the oldest entries are forgotten first. Thread-safe.
 */
public final class CancelledRequests {
    private final int capacity;
    private final long retentionMillis;
    private final LinkedHashMap<String, Long> cancelledAt;

    public CancelledRequests(int capacity, long retentionMillis) {
        this.capacity = capacity;
        this.retentionMillis = retentionMillis;
        this.cancelledAt = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > CancelledRequests.this.capacity;
            }
        };
    }

    /** Records a cancel; returns false when the id was already known. */
    public synchronized boolean add(String requestId) {
        return cancelledAt.putIfAbsent(requestId, System.currentTimeMillis()) == null;
    }

    public synchronized boolean contains(String requestId) {
        Long at = cancelledAt.get(requestId);
        if (at == null) {
            return false;
        }
        if (System.currentTimeMillis() - at > retentionMillis) {
            cancelledAt.remove(requestId);
            return false;
        }
        return true;
    }

    public synchronized int size() {
        return cancelledAt.size();
    }
}
