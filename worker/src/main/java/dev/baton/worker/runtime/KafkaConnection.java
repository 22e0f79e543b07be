package dev.baton.worker.runtime;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka clients a stage uses, configured for Baton's delivery semantics. Values are raw bytes: stage 0 parses
 * requests itself so that a record it cannot parse still has its bytes for the dead-letter topic.
 *
 * @param bootstrapServers {@code kafka.bootstrap.servers}
 * @param clientId         prefix of the client ids (which stage of which pipeline), for the broker's logs and quotas
 */
public record KafkaConnection(String bootstrapServers, String clientId) {

    /**
     * Idempotent, {@code acks=all}: an acknowledged event is on every in-sync replica, and retries never duplicate or
     * reorder a partition's events. {@code linger}: how long a batch waits for more events before it is sent
     * ({@code baton.worker.reply-linger}; 0 by default: a token goes out as soon as it is sampled, as it is on the
     * client's inter-token latency).
     */
    public KafkaProducer<byte[], byte[]> producer(Duration linger) {
        Properties p = common("producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(linger.toMillis()));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /**
     * Stage 0's member of the pipelines' group on baton.requests: manual commits (the scheduler commits each
     * partition up to its lowest unfinished request), at most {@code maxPollRecords} per poll, a new group starting
     * at the oldest request (none published before the first pipeline started is skipped), and the cooperative
     * assignor, so a rebalance revokes only the partitions that move instead of every partition of every pipeline.
     */
    public KafkaConsumer<byte[], byte[]> requestConsumer(String group, String instanceId, int maxPollRecords) {
        Properties p = common("requests");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        if (instanceId != null && !instanceId.isBlank()) {
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    /** A group-less consumer for baton.control: every stage assigns itself every partition. */
    public KafkaConsumer<byte[], byte[]> controlConsumer() {
        Properties p = common("control");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    private Properties common(String role) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("client.id", clientId + "-" + role);
        return p;
    }
}
