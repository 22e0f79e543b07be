package dev.baton.tokenizer.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** {@code /q/health/ready}: up once the vocabulary is loaded. */
@Readiness
@ApplicationScoped
public class TokenizerReadiness implements HealthCheck {
    private final ServedModel model;

    TokenizerReadiness(ServedModel model) {
        this.model = model;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("tokenizer").status(model.isLoaded());
        if (model.isLoaded()) {
            var info = model.get().info();
            response.withData("model", info.getModel()).withData("vocab_size", info.getVocabSize());
        }
        return response.build();
    }
}
