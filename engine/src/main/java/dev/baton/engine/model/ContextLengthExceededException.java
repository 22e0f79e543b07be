package dev.baton.engine.model;

/** A sequence would grow past the configured maximum context: the request is too long for this deployment. */
public class ContextLengthExceededException extends IllegalArgumentException {
    public ContextLengthExceededException(String message) {
        super(message);
    }
}
