package dev.baton.tokenizer.service;

import com.google.protobuf.ByteString;
import jakarta.enterprise.context.ApplicationScoped;

/** Applies {@code baton.tokenizer.max-input-bytes} and strict UTF-8 to caller-supplied text. */
@ApplicationScoped
public class InputLimits {
    private final TokenizerServiceConfig config;

    InputLimits(TokenizerServiceConfig config) {
        this.config = config;
    }

    /** The text of {@code bytes}, checked for size first (cheap, and it bounds the work) and then for UTF-8. */
    String text(ByteString bytes, String field) {
        checkSize(bytes.size(), field);
        return Utf8Text.decode(bytes, field);
    }

    /** Refuses {@code bytes} of input named {@code what} when over the limit. */
    void checkSize(long bytes, String what) {
        if (bytes > config.maxInputBytes()) {
            throw InvalidArgument.because(what + " is " + bytes + " bytes; the maximum is " + config.maxInputBytes()
                    + " (baton.tokenizer.max-input-bytes)");
        }
    }
}
