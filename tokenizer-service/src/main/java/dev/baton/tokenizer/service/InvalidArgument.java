package dev.baton.tokenizer.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Bad input from the caller: answered with INVALID_ARGUMENT and a message naming the field. */
final class InvalidArgument {
    private InvalidArgument() {
    }

    static StatusRuntimeException because(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
