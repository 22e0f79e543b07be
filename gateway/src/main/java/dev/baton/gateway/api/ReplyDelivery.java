package dev.baton.gateway.api;

import dev.baton.gateway.publish.RequestPublisher;
import dev.baton.gateway.status.RequestRecord;
import dev.baton.gateway.status.RequestStore;
import dev.baton.proto.ErrorCode;
import dev.baton.proto.ErrorInfo;
import dev.baton.proto.FinishReason;
import dev.baton.proto.TokenEvent;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Carries one published request's events from the reply consumer thread to its client's event loop, in order, and
 * owns the ending: the terminal event, the client going away, or the pipeline falling silent for longer than
 * {@code baton.gateway.reply-timeout}. A streaming client that disconnects cancels its request (a Control record to
 * every stage); a non-streaming one does not, so its answer is still produced and can be read back with
 * GET /v1/requests/{id}.
 *
 * <p>Events that arrive while a hop to the event loop is already pending ride along with it (so a request's
 * events of one poll reach its writer together, in one write), and the hops of all requests on one loop share one
 * queued task ({@link LoopHandOff}). The silence timer is not re-armed per token either: it fires once
 * per timeout period and looks at when the last event came.
 */
final class ReplyDelivery implements RequestRecord.Listener {
    private final Vertx vertx;
    private final ContextInternal context;
    private final LoopHandOff loops;
    private final RequestRecord record;
    private final RequestStore store;
    private final ClientWriter writer;
    private final RequestPublisher publisher;
    private final AdmissionLimit.Slot slot;
    private final long timeoutMs;
    private final boolean cancelOnDisconnect;
    private final Queue<TokenEvent> arrived = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean hopPending = new AtomicBoolean();
    private long timer = -1;
    private long lastEventNanos;
    private boolean done;

    ReplyDelivery(Vertx vertx, LoopHandOff loops, RequestRecord record, RequestStore store, ClientWriter writer,
                  RequestPublisher publisher, AdmissionLimit.Slot slot, Duration timeout, boolean cancelOnDisconnect) {
        this.vertx = vertx;
        this.loops = loops;
        this.context = (ContextInternal) vertx.getOrCreateContext();
        this.record = record;
        this.store = store;
        this.writer = writer;
        this.publisher = publisher;
        this.slot = slot;
        this.timeoutMs = Math.max(1, timeout.toMillis());
        this.lastEventNanos = System.nanoTime();
        this.cancelOnDisconnect = cancelOnDisconnect;
    }

    /** Starts listening; call on the client's event loop before the request is published. */
    void start() {
        armTimer(timeoutMs);
        record.listen(this);
    }

    /** On the reply consumer thread. */
    @Override
    public void onEvent(TokenEvent event) {
        arrived.add(event);
        if (hopPending.compareAndSet(false, true)) {
            loops.run(context, this::deliverArrived);
        }
    }

    private void deliverArrived() {
        hopPending.set(false); // before draining: an event added from here on is drained now or hops again
        List<TokenEvent> events = new ArrayList<>();
        for (TokenEvent event = arrived.poll(); event != null; event = arrived.poll()) {
            events.add(event);
        }
        if (done || events.isEmpty()) {
            return;
        }
        TokenEvent last = events.getLast(); // the record passes nothing on after a terminal event
        if (last.getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED || last.hasError()) {
            finish(); // the slot is free before the client can read its answer and send the next request
        } else {
            lastEventNanos = System.nanoTime();
        }
        writer.onEvents(events);
    }

    /** The client's connection closed before its answer ended. */
    void clientGone() {
        if (done) {
            return;
        }
        if (cancelOnDisconnect) {
            publisher.cancel(record.id(), "client disconnected");
        }
        finish();
    }

    /** The request could not be published: end it here, it will never be answered. */
    void notPublished(ApiError error) {
        if (done) {
            return;
        }
        record.abandon(RequestRecord.State.FAILED, ErrorInfo.newBuilder().setCode(ErrorCode.ERROR_CODE_INTERNAL)
                .setMessage(error.getMessage()).build());
        store.retire(record);
        finish();
        writer.fail(error);
    }

    private void silenceCheck() {
        timer = -1;
        if (done) {
            return;
        }
        long silentMs = (System.nanoTime() - lastEventNanos) / 1_000_000;
        if (silentMs < timeoutMs) {
            armTimer(timeoutMs - silentMs);
            return;
        }
        String why = "no reply from the pipeline for " + timeoutMs + " ms (baton.gateway.reply-timeout)";
        publisher.cancel(record.id(), "reply timeout");
        record.abandon(RequestRecord.State.FAILED, ErrorInfo.newBuilder().setCode(ErrorCode.ERROR_CODE_INTERNAL)
                .setMessage(why).build());
        store.retire(record);
        finish();
        writer.fail(new ApiError(504, "timeout_error", why, null, "pipeline_timeout"));
    }

    private void armTimer(long delayMs) {
        timer = vertx.setTimer(delayMs, id -> context.runOnContext(ignored -> silenceCheck()));
    }

    private void finish() {
        done = true;
        record.listen(null);
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        slot.release();
    }
}
