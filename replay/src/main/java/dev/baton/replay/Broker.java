package dev.baton.replay;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka cluster a replay reads and writes: checked once to answer before anything else, so that an unreachable
 * broker is one clear message instead of clients retrying in silence.
 */
final class Broker implements AutoCloseable {
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

    private final String bootstrap;
    private final Admin admin;

    private Broker(String bootstrap, Admin admin) {
        this.bootstrap = bootstrap;
        this.admin = admin;
    }

    /** Connects and waits until the cluster answers; {@link ReplayFailure} when it does not. */
    static Broker connect(String bootstrap) {
        Properties config = base(bootstrap);
        config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) ANSWER_WITHIN.toMillis());
        config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ANSWER_WITHIN.toMillis());
        Admin admin;
        try {
            admin = Admin.create(config);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new ReplayFailure("cannot use Kafka bootstrap address '" + bootstrap + "': " + rootMessage(e));
        }
        try {
            admin.describeCluster().nodes().get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            return new Broker(bootstrap, admin);
        } catch (ExecutionException | TimeoutException e) {
            admin.close(Duration.ZERO);
            throw new ReplayFailure("Kafka at " + bootstrap + " did not answer within " + ANSWER_WITHIN.toSeconds()
                    + " s (is the broker running? bin/baton kafka-status)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admin.close(Duration.ZERO);
            throw new ReplayFailure("interrupted while connecting to Kafka at " + bootstrap);
        }
    }

    String bootstrap() {
        return bootstrap;
    }

    /** The topic's partition count; {@link ReplayFailure} naming the topic when it does not exist. */
    int partitions(String topic) {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return description.partitions().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new ReplayFailure("topic " + topic + " does not exist on " + bootstrap);
            }
            throw new ReplayFailure("cannot describe topic " + topic + " on " + bootstrap + ": " + rootMessage(e));
        } catch (TimeoutException e) {
            throw new ReplayFailure("Kafka at " + bootstrap + " did not describe topic " + topic + " in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplayFailure("interrupted");
        }
    }

    /** Whether the topic exists (without failing). */
    boolean exists(String topic) {
        try {
            return admin.listTopics().names().get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS).contains(topic);
        } catch (ExecutionException | TimeoutException e) {
            throw new ReplayFailure("cannot list the topics on " + bootstrap + ": " + rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplayFailure("interrupted");
        }
    }

    /**
     * Refuses to go on when no pipeline consumes the request log (the consumer group has no member): every re-driven
     * request would only wait for the timeout.
     */
    void requirePipelines(String group) {
        int members;
        try {
            members = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS).members().size();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw new ReplayFailure("cannot describe consumer group " + group + " on " + bootstrap + ": "
                        + rootMessage(e));
            }
            members = 0;
        } catch (TimeoutException e) {
            throw new ReplayFailure("Kafka at " + bootstrap + " did not describe consumer group " + group + " in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplayFailure("interrupted");
        }
        if (members == 0) {
            throw new ReplayFailure("no pipeline is running: consumer group " + group + " on " + bootstrap
                    + " has no members (start one with bin/baton up, or name the group with --pipeline-group)");
        }
    }

    /** A consumer outside any group (it assigns partitions itself and commits nothing); only committed records. */
    KafkaConsumer<byte[], byte[]> consumer() {
        Properties config = base(bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Idempotent, {@code acks=all}: a published request lands once. */
    KafkaProducer<byte[], byte[]> producer() {
        Properties config = base(bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static Properties base(String bootstrap) {
        Properties config = new Properties();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, "baton-replay");
        config.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        return config;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
