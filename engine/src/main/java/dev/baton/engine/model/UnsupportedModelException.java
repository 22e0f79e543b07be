package dev.baton.engine.model;

/** A model file Baton cannot run: another architecture, a missing or misshapen tensor, an unsupported feature. */
public class UnsupportedModelException extends RuntimeException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
