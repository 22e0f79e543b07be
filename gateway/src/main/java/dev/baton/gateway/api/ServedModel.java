package dev.baton.gateway.api;

import dev.baton.gateway.GatewayConfig;
import dev.baton.gateway.tokens.TokenizerClient;
import dev.baton.proto.ModelInfoResponse;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one model this gateway serves: its name ({@code baton.gateway.model-name}, else the tokenizer's), its
 * vocabulary size and context length (from the tokenizer service).
 */
@ApplicationScoped
public class ServedModel {
    private final GatewayConfig config;
    private final TokenizerClient tokenizer;

    ServedModel(GatewayConfig config, TokenizerClient tokenizer) {
        this.config = config;
        this.tokenizer = tokenizer;
    }

    /** The model's facts; fails with 503 while the tokenizer service cannot be reached. */
    Uni<Facts> facts() {
        return tokenizer.modelInfo().map(info -> new Facts(config.modelName().filter(n -> !n.isBlank())
                .orElse(info.getModel()), info));
    }

    /** The name clients use, and what the tokenizer says about the model. */
    record Facts(String name, ModelInfoResponse info) {
        /** Refuses a request for another model with 404, naming the one served. */
        void requireModel(String requested) {
            if (!name.equals(requested)) {
                throw ApiError.notFound("The model '" + shortened(requested) + "' does not exist; this gateway serves '"
                        + name + "'", "model", "model_not_found");
            }
        }
    }

    /** Echoes a client's value in an error without echoing a megabyte. */
    static String shortened(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "…";
    }
}
