package dev.baton.tokenizer.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** The service's configuration keys, {@code baton.tokenizer.*} (also listed in README.md). */
@ConfigMapping(prefix = "baton.tokenizer")
public interface TokenizerServiceConfig {
    /**
     * The GGUF file whose vocabulary the service serves ({@code baton.tokenizer.model}, required). Only the metadata is
     * read, so a vocab-only GGUF works as well as the full model.
     */
    Path model();

    /**
     * A chat template file (Jinja, as in a model's {@code tokenizer_config.json}) used instead of the GGUF's own
     * {@code tokenizer.chat_template} ({@code baton.tokenizer.chat-template}, optional): for a model whose file carries
     * none, or a broken or unwanted one. A file that cannot be read stops the service at start.
     */
    Optional<Path> chatTemplate();

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
