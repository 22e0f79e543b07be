package dev.baton.engine.tokenizer;

/**
 * A model's tokenizer cannot be used: an unknown tokenizer model or pre-tokenizer, or metadata that contradicts itself.
 * Thrown when the tokenizer is loaded, never later, so a model Baton would tokenize wrongly is refused up front.
 */
public final class UnsupportedTokenizerException extends RuntimeException {
    public UnsupportedTokenizerException(String message) {
        super(message);
    }
}
