package dev.baton.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Waits for a broker to answer and makes sure Baton's topics exist with at least the wanted partition counts.
 * Idempotent: existing topics are kept, and only grown (Kafka cannot shrink a topic), so it is safe on every start.
 */
public final class TopicSetup {
    private static final short REPLICATION = 1;

    private final String bootstrapServers;

    public TopicSetup(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Every Baton topic with its default partition count. */
    public static Map<BatonTopic, Integer> defaultLayout() {
        Map<BatonTopic, Integer> layout = new EnumMap<>(BatonTopic.class);
        for (BatonTopic topic : BatonTopic.values()) {
            layout.put(topic, topic.defaultPartitions());
        }
        return layout;
    }

    /** Polls the broker's metadata until it answers, or throws when {@code timeout} passes first. */
    public void awaitBroker(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Exception last = null;
        try (Admin admin = admin(1_000)) {
            while (Instant.now().isBefore(deadline)) {
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    last = e;
                    Thread.sleep(200);
                }
            }
        }
        throw new IllegalStateException("Kafka broker at " + bootstrapServers + " did not answer within "
                + timeout.toSeconds() + " s" + (last == null ? "" : ": " + last.getMessage()));
    }

    /** Creates missing topics and grows ones with fewer partitions than asked. */
    public void ensureTopics(Map<BatonTopic, Integer> partitions) throws InterruptedException {
        try (Admin admin = admin(15_000)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            Map<String, Integer> wanted = new java.util.HashMap<>();
            partitions.forEach((topic, count) -> {
                if (count < 1) {
                    throw new IllegalArgumentException(topic.topicName() + ": partition count must be at least 1, got " + count);
                }
                wanted.put(topic.topicName(), count);
                if (!existing.contains(topic.topicName())) {
                    missing.add(new NewTopic(topic.topicName(), count, REPLICATION));
                }
            });
            createAll(admin, missing);
            growAll(admin, wanted);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not set up topics on " + bootstrapServers + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    private static void createAll(Admin admin, List<NewTopic> missing) throws InterruptedException, ExecutionException {
        for (var result : admin.createTopics(missing).values().values()) {
            try {
                result.get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) { // lost a race with another setup: fine
                    throw e;
                }
            }
        }
    }

    private static void growAll(Admin admin, Map<String, Integer> wanted) throws InterruptedException, ExecutionException {
        Map<String, TopicDescription> described = admin.describeTopics(wanted.keySet()).allTopicNames().get();
        Map<String, NewPartitions> growth = new java.util.HashMap<>();
        described.forEach((name, description) -> {
            if (description.partitions().size() < wanted.get(name)) {
                growth.put(name, NewPartitions.increaseTo(wanted.get(name)));
            }
        });
        if (!growth.isEmpty()) {
            admin.createPartitions(growth).all().get();
        }
    }

    private Admin admin(int requestTimeoutMs) {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Math.max(requestTimeoutMs, 2_000));
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        return Admin.create(config);
    }
}
