package dev.baton.worker.pipeline;

import dev.baton.proto.StepResult;

/**
 * Where a stage's answers go: to the previous stage over the stream (stages after the first), or into stage 0's
 * scheduler. Implementations are thread-safe: results come from the step thread, confirmations from the Kafka
 * producer's thread and relays from the next stage's stream.
 */
public interface Upstream {
    /** The answer to one step. */
    void result(StepResult result);

    /** The terminal event of this sequence is durably published. */
    void published(long sequenceId);
}
