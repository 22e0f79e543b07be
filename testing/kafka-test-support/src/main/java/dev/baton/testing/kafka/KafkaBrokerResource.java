package dev.baton.testing.kafka;

import dev.baton.kafka.TopicSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
import java.util.Map;

/**
 * Quarkus test resource: gives the application {@code kafka.bootstrap.servers} of a broker with Baton's topics.
 * When the environment variable {@code KAFKA_BOOTSTRAP} is set, that broker is used (its topics are created if
 * missing); otherwise the JVM-wide {@link EmbeddedKafkaBroker#shared()} broker. Use with
 * {@code @QuarkusTestResource(KafkaBrokerResource.class)} (or {@code @WithTestResource}).
 */
public final class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP";

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers());
    }

    /** The broker's address, for tests that produce or consume themselves. */
    public static String bootstrapServers() {
        String external = System.getenv(BOOTSTRAP_ENV);
        if (external == null || external.isBlank()) {
            return EmbeddedKafkaBroker.shared().bootstrapServers();
        }
        try {
            TopicSetup setup = new TopicSetup(external);
            setup.awaitBroker(Duration.ofSeconds(30));
            setup.ensureTopics(TopicSetup.defaultLayout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing " + external, e);
        }
        return external;
    }

    @Override
    public void stop() {
        // The shared broker outlives one application start (later test classes reuse it); it stops with the JVM.
    }
}
