package dev.baton.gateway.api;

import dev.baton.gateway.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the requests this instance serves at once ({@code baton.gateway.max-in-flight}): a client waiting for
 * its answer holds a slot from admission until its answer ends or it goes away. Past the bound the gateway answers
 * 429 at once rather than queueing without limit; the pipelines' own back-pressure is Kafka's log.
 */
@ApplicationScoped
public class AdmissionLimit {
    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();

    AdmissionLimit(GatewayConfig config) {
        this.limit = config.maxInFlight();
    }

    /** A slot, or null when all are taken. */
    Slot tryAcquire() {
        while (true) {
            int now = inFlight.get();
            if (now >= limit) {
                return null;
            }
            if (inFlight.compareAndSet(now, now + 1)) {
                return new Slot();
            }
        }
    }


    /** One admitted request's slot; releasing it twice is harmless. */
    final class Slot {
        private final AtomicBoolean released = new AtomicBoolean();

        void release() {
            if (released.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        }
    }
}
