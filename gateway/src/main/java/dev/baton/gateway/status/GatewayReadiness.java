package dev.baton.gateway.status;

import dev.baton.gateway.replies.ReplyConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the reply partitions are assigned: from then on every request published can be answered. Pipelines and
 * the tokenizer are not part of readiness: without them the gateway still answers, with 503.
 */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {
    private final ReplyConsumer replies;

    GatewayReadiness(ReplyConsumer replies) {
        this.replies = replies;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("reply partitions assigned").status(replies.isReady()).build();
    }
}
