package dev.baton.gateway.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.testing.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A gateway whose Kafka goes away reports not ready, so a load balancer stops sending it requests. */
class ReadinessFollowsKafkaIT {

    @Test
    void readinessGoesDownWhenKafkaIsUnreachable() throws IOException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(); // its own broker: the shared one must stay up
        boolean brokerUp = true;
        broker.createBatonTopics();
        try (ServiceProcess gateway = ServiceProcess.start("gateway-readiness", "gateway", Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "quarkus.grpc.clients.tokenizer.port", String.valueOf(ServiceProcess.freePort()),
                "baton.gateway.model-name", GatewaySystem.MODEL,
                "baton.gateway.pipeline-check-interval", "200ms"))) {
            assertEquals(200, Api.get(gateway, "/q/health/ready").statusCode()); // start() waited for it
            broker.close();
            brokerUp = false;

            long deadline = System.nanoTime() + 30_000_000_000L;
            var response = Api.get(gateway, "/q/health/ready");
            while (response.statusCode() == 200 && System.nanoTime() < deadline) {
                ServiceProcess.sleep(200);
                response = Api.get(gateway, "/q/health/ready");
            }
            assertEquals(503, response.statusCode(), response.body());
            JsonNode check = Api.json(response.body()).get("checks").get(0);
            assertEquals("DOWN", check.get("status").asText());
            assertEquals(false, check.get("data").get("kafka").asBoolean());
            assertEquals(true, check.get("data").get("reply-partitions").asBoolean());
        } finally {
            if (brokerUp) {
                broker.close();
            }
        }
    }
}
