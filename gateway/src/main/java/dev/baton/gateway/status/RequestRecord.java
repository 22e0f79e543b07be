package dev.baton.gateway.status;

import dev.baton.gateway.api.GenerationRequest.Kind;
import dev.baton.proto.ErrorInfo;
import dev.baton.proto.FinishReason;
import dev.baton.proto.TokenEvent;
import dev.baton.proto.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the gateway knows about one request, built from its reply events in order: the text so far, the
 * log-probabilities when asked for, and how it ended. Events arrive at least once (a redelivered request is
 * regenerated from index 0, with the same tokens); this is where duplicates are dropped: an event whose index was
 * already taken, or any event after the terminal one, changes nothing and is not passed on.
 *
 * <p>The reply consumer thread appends; HTTP threads read snapshots. All state is guarded by {@code this}.
 */
public final class RequestRecord {
    /** Where a request stands. */
    public enum State {
        /** Published, no event yet. */
        PENDING,
        RUNNING,
        COMPLETED,
        CANCELLED,
        FAILED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Told about every event the record accepted (each index once, in order). */
    public interface Listener {
        void onEvent(TokenEvent event);
    }

    private final String id;
    private final Kind kind;
    private final long createdAtMs;
    private final boolean keepLogprobs;
    private final String model;
    private final int promptTokens;
    private final StringBuilder text = new StringBuilder();
    private final List<TokenEvent> logprobEvents = new ArrayList<>();
    private int nextIndex;
    private State state = State.PENDING;
    private FinishReason finishReason = FinishReason.FINISH_REASON_UNSPECIFIED;
    private Usage usage;
    private ErrorInfo error;
    private Listener listener;
    private long lastActivityMs;

    public RequestRecord(String id, Kind kind, String model, long createdAtMs, int promptTokens, boolean keepLogprobs) {
        this.id = id;
        this.kind = kind;
        this.model = model;
        this.createdAtMs = createdAtMs;
        this.promptTokens = promptTokens;
        this.keepLogprobs = keepLogprobs;
        this.lastActivityMs = System.currentTimeMillis();
    }

    public String id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    public long createdAtMs() {
        return createdAtMs;
    }

    /** The listener that gets the accepted events from now on (null to stop listening). */
    public synchronized void listen(Listener listener) {
        this.listener = listener;
    }

    /**
     * Takes an event if it is the next one of this request. Returns false for a duplicate (an index already taken,
     * or anything after the end), which the caller drops.
     */
    public boolean accept(TokenEvent event) {
        Listener told;
        synchronized (this) {
            if (isFinished() || event.getIndex() < nextIndex) {
                return false;
            }
            nextIndex = event.getIndex() + 1;
            lastActivityMs = System.currentTimeMillis();
            text.append(event.getText());
            if (keepLogprobs && event.hasLogprob()) {
                logprobEvents.add(event);
            }
            FinishReason reason = event.getFinishReason();
            if (event.hasError() && reason == FinishReason.FINISH_REASON_UNSPECIFIED) {
                reason = FinishReason.FINISH_REASON_ERROR;
            }
            if (reason == FinishReason.FINISH_REASON_UNSPECIFIED) {
                state = State.RUNNING;
            } else {
                finishReason = reason;
                usage = event.hasUsage() ? event.getUsage() : null;
                error = event.hasError() ? event.getError() : null;
                state = switch (reason) {
                    case FINISH_REASON_CANCELLED -> State.CANCELLED;
                    case FINISH_REASON_ERROR -> State.FAILED;
                    default -> State.COMPLETED;
                };
            }
            told = listener;
        }
        if (told != null) {
            told.onEvent(event);
        }
        return true;
    }

    /** Ends a request the pipeline will not answer (it was never published, or the gateway gave up on it). */
    public synchronized void abandon(State end, ErrorInfo why) {
        if (!isFinished()) {
            state = end;
            finishReason = end == State.CANCELLED ? FinishReason.FINISH_REASON_CANCELLED : FinishReason.FINISH_REASON_ERROR;
            error = why;
        }
    }

    /**
     * True when nobody waits for this unfinished request and nothing has arrived for it since {@code idleSinceMs}: a
     * request whose pipeline will not answer (lost, or its client left and its pipeline died).
     */
    synchronized boolean isAbandonedSince(long idleSinceMs) {
        return !isFinished() && listener == null && lastActivityMs < idleSinceMs;
    }

    public synchronized boolean isFinished() {
        return state != State.PENDING && state != State.RUNNING;
    }

    /** A consistent copy of the record's current content. */
    public synchronized Snapshot snapshot() {
        int completion = usage != null ? usage.getCompletionTokens() : nextIndex;
        int prompt = usage != null && usage.getPromptTokens() > 0 ? usage.getPromptTokens() : promptTokens;
        return new Snapshot(id, kind, model, createdAtMs, state, text.toString(), List.copyOf(logprobEvents),
                finishReason, prompt, completion, usage, error);
    }

    /** The record's content at one moment; {@code timings} is the pipeline's final usage, null until it ends. */
    public record Snapshot(String id, Kind kind, String model, long createdAtMs, State state, String text,
                           List<TokenEvent> logprobEvents, FinishReason finishReason, int promptTokens,
                           int completionTokens, Usage timings, ErrorInfo error) {
    }
}
