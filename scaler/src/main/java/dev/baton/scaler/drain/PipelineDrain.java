package dev.baton.scaler.drain;

/**
 * Draining a pipeline before it is removed: its stage 0 stops taking requests, finishes the running ones and leaves
 * the consumer group (worker/README.md, {@code /drain}).
 */
public interface PipelineDrain {

    /**
     * Where a pipeline's stage 0 stands. UNREACHABLE: it did not answer (not running, so not consuming either).
     * REFUSED: it answered 401, so the scaler's admin token is missing or not the stage's (a configuration error;
     * the stage goes on as it was).
     */
    enum State { SERVING, DRAINING, DRAINED, UNREACHABLE, REFUSED }

    /** Asks pipeline {@code ordinal} to drain; answers its state. */
    State drain(int ordinal);

    /** Pipeline {@code ordinal}'s state. */
    State state(int ordinal);

    /** Asks pipeline {@code ordinal} to take requests again; answers its state. */
    State resume(int ordinal);
}
