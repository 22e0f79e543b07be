package dev.baton.gateway.api;

import dev.baton.gateway.publish.RequestPublisher;
import dev.baton.gateway.status.RequestRecord;
import dev.baton.gateway.status.RequestStore;
import dev.baton.proto.ErrorCode;
import dev.baton.proto.ErrorInfo;
import dev.baton.proto.FinishReason;
import dev.baton.proto.TokenEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Carries one published request's events from the reply consumer thread to its client's event loop, in order, and
 * owns the ending: the terminal event, the client going away, or the pipeline falling silent for longer than
 * {@code baton.gateway.reply-timeout}. A streaming client that disconnects cancels its request (a Control record to
 * every stage); a non-streaming one does not, so its answer is still produced and can be read back with
 * GET /v1/requests/{id}.
 */
final class ReplyDelivery implements RequestRecord.Listener {
    private final Vertx vertx;
    private final Context context;
    private final RequestRecord record;
    private final RequestStore store;
    private final ClientWriter writer;
    private final RequestPublisher publisher;
    private final AdmissionLimit.Slot slot;
    private final long timeoutMs;
    private final boolean cancelOnDisconnect;
    private long timer = -1;
    private boolean done;

    ReplyDelivery(Vertx vertx, RequestRecord record, RequestStore store, ClientWriter writer, RequestPublisher publisher,
                  AdmissionLimit.Slot slot, Duration timeout, boolean cancelOnDisconnect) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.record = record;
        this.store = store;
        this.writer = writer;
        this.publisher = publisher;
        this.slot = slot;
        this.timeoutMs = Math.max(1, timeout.toMillis());
        this.cancelOnDisconnect = cancelOnDisconnect;
    }

    /** Starts listening; call on the client's event loop before the request is published. */
    void start() {
        armTimer();
        record.listen(this);
    }

    @Override
    public void onEvent(TokenEvent event) {
        context.runOnContext(ignored -> deliver(event));
    }

    private void deliver(TokenEvent event) {
        if (done) {
            return;
        }
        if (event.getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED || event.hasError()) {
            finish(); // the slot is free before the client can read its answer and send the next request
        } else {
            armTimer();
        }
        writer.onEvent(event);
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

    private void timedOut() {
        if (done) {
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

    private void armTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        timer = vertx.setTimer(timeoutMs, id -> context.runOnContext(ignored -> timedOut()));
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
