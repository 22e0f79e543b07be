package dev.baton.worker.scheduling;

import dev.baton.proto.ErrorInfo;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.ReleaseReason;
import java.util.Arrays;
import org.apache.kafka.common.TopicPartition;

/**
 * A request in stage 0's running set. Its tokens are the prompt followed by the generated tokens the last stage has
 * relayed back; {@code fed} of them have gone through the pipeline (their keys and values are cached on every stage).
 * Prefill and decode are the same thing here: the next step feeds tokens {@code [fed, length)}, at most a chunk, and
 * asks for a sample when it reaches the end. Rebuilding after a lost stage is setting {@code fed} back to 0.
 */
final class Sequence {
    enum State {
        /** Generating; in a step or waiting for one. */
        RUNNING,
        /** Ended and released on every stage; waiting for the last stage's terminal event to be acknowledged. */
        ENDING
    }

    final long id;
    final InferenceRequest request;
    final TopicPartition partition;
    final long offset;
    final int reservedPages;
    final long admittedAtMs;
    private int[] tokens;
    private int length;
    private final int promptLength;
    int fed;
    int feeding;
    boolean inStep;
    State state = State.RUNNING;
    ReleaseReason endReason;
    ErrorInfo endError;
    boolean cancelRequested;
    boolean published;

    Sequence(long id, InferenceRequest request, TopicPartition partition, long offset, int reservedPages,
             long admittedAtMs) {
        this.id = id;
        this.request = request;
        this.partition = partition;
        this.offset = offset;
        this.reservedPages = reservedPages;
        this.admittedAtMs = admittedAtMs;
        this.promptLength = request.getPromptTokenIdsCount();
        this.tokens = new int[promptLength + 16];
        for (int i = 0; i < promptLength; i++) {
            tokens[i] = request.getPromptTokenIds(i);
        }
        this.length = promptLength;
    }

    int[] tokens() {
        return tokens;
    }

    int length() {
        return length;
    }

    void append(int token) {
        if (length == tokens.length) {
            tokens = Arrays.copyOf(tokens, length * 2);
        }
        tokens[length++] = token;
    }

    /** The generated tokens so far (for re-admitting a rebuilt sequence). */
    Iterable<Integer> generated() {
        return Arrays.stream(tokens, promptLength, length).boxed().toList();
    }

    /** Whether everything fed is computed and the sequence waits for its next token from the last stage. */
    boolean awaitsToken() {
        return fed == length;
    }
}
