package dev.baton.tokenizer.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** The service's configuration keys, {@code baton.tokenizer.*} (also listed in README.md). */
@ConfigMapping(prefix = "baton.tokenizer")
public interface TokenizerServiceConfig {
    /**
     * The GGUF file whose vocabulary the service serves ({@code baton.tokenizer.model}, required). Only the metadata is
     * read, so a vocab-only GGUF works as well as the full model.
     */
    Path model();

    /**
     * Largest text accepted by Encode and CountTokens, and largest total content of one ApplyChatTemplate call, in
     * UTF-8 bytes ({@code baton.tokenizer.max-input-bytes}, default 1 MiB). Larger input is refused with
     * INVALID_ARGUMENT. Keep it below the gRPC message limit ({@code quarkus.grpc.server.max-inbound-message-size},
     * 8 MiB in application.properties).
     */
    @WithDefault("1048576")
    int maxInputBytes();

    /**
     * Most token ids accepted by one Decode call ({@code baton.tokenizer.max-decode-ids}, default 262144).
     */
    @WithDefault("262144")
    int maxDecodeIds();
}
