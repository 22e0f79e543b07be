package dev.baton.scaler.lag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testing.kafka.KafkaBrokerResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Against a real broker: the lag is every record past the group's committed offset, summed over the partitions; a
 * partition the group never committed counts whole (a new group reads from the start); the partition count comes
 * along; a topic that does not exist is a clear error.
 */
class LagCountsWhatThePipelinesHaveNotCommittedTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();

    @Test
    void lagIsTheUncommittedRecordsOverAllPartitions() throws Exception {
        String topic = "lag-test-" + UUID.randomUUID();
        String group = "lag-group-" + UUID.randomUUID();
        try (Admin admin = Admin.create(properties());
             KafkaProducer<byte[], byte[]> producer = producer();
             RequestLag lag = new RequestLag(BOOTSTRAP, topic, group, Duration.ofSeconds(10))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            assertEquals(new RequestLag.Reading(0, 3), firstReading(lag));

            int[] perPartition = {4, 2, 0};
            for (int p = 0; p < perPartition.length; p++) {
                for (int i = 0; i < perPartition[p]; i++) {
                    producer.send(new ProducerRecord<>(topic, p, null, new byte[] {1})).get();
                }
            }
            assertEquals(new RequestLag.Reading(6, 3), lag.read(), "nothing committed: every record");

            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(3)))
                    .all().get(30, TimeUnit.SECONDS);
            assertEquals(new RequestLag.Reading(1 + 2, 3), lag.read(), "partition 0 committed up to 3 of 4");

            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(4),
                    new TopicPartition(topic, 1), new OffsetAndMetadata(2))).all().get(30, TimeUnit.SECONDS);
            assertEquals(new RequestLag.Reading(0, 3), lag.read());
        }
    }

    /** The first reading, once the new topic's partitions have leaders (a fresh topic's metadata takes a moment). */
    private static RequestLag.Reading firstReading(RequestLag lag) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return lag.read();
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void aMissingTopicIsAClearError() {
        try (RequestLag lag = new RequestLag(BOOTSTRAP, "no-such-topic-" + UUID.randomUUID(), "g",
                Duration.ofSeconds(5))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, lag::read);
            assertTrue(e.getMessage().contains("no-such-topic"), e.getMessage());
        }
    }

    private static Properties properties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        return p;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = properties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}
