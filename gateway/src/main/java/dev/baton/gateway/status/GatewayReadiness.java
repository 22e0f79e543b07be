package dev.baton.gateway.status;

import dev.baton.gateway.publish.PipelineWatch;
import dev.baton.gateway.replies.ReplyConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while Kafka answers (the pipeline watch's periodic look, cached) and once the reply partitions are assigned:
 * then every request published can be answered. A gateway that cannot reach Kafka is taken out of the load balancer
 * instead of answering every request 503. Pipelines and the tokenizer are not part of readiness: without them the
 * gateway still answers, with 503.
 */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {
    private final ReplyConsumer replies;
    private final PipelineWatch kafka;

    GatewayReadiness(ReplyConsumer replies, PipelineWatch kafka) {
        this.replies = replies;
        this.kafka = kafka;
    }

    @Override
    public HealthCheckResponse call() {
        boolean reachable = kafka.kafkaReachable();
        boolean assigned = replies.isReady();
        return HealthCheckResponse.named("kafka reachable, reply partitions assigned").status(reachable && assigned)
                .withData("kafka", reachable).withData("reply-partitions", assigned).build();
    }
}
