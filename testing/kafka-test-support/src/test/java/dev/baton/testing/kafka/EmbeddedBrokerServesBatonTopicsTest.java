package dev.baton.testing.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.kafka.BatonTopic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedBrokerServesBatonTopicsTest {
    private final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.shared();

    @Test
    void topicsExistWithTheirPartitionCountsAndOnlyGrow() throws Exception {
        for (BatonTopic topic : BatonTopic.values()) {
            assertEquals(topic.defaultPartitions(), partitions(topic), topic.topicName());
        }

        broker.createTopics(Map.of(BatonTopic.CONTROL, 2, BatonTopic.REPLIES, 1));

        assertEquals(2, partitions(BatonTopic.CONTROL), "grown");
        assertEquals(BatonTopic.REPLIES.defaultPartitions(), partitions(BatonTopic.REPLIES), "never shrunk");
    }

    @Test
    void aRecordProducedIsConsumedFromItsPartition() {
        String topic = BatonTopic.REQUESTS.topicName();
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        long offset;
        try (var producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            offset = producer.send(new ProducerRecord<>(topic, 3, "request-1", "hello")).get().offset();
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (var consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 3);
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            assertEquals(1, received.size());
            assertEquals("request-1", received.getFirst().key());
            assertEquals("hello", received.getFirst().value());
        }
    }

    @Test
    void resourceHandsTheBrokerToQuarkus() {
        if (System.getenv(KafkaBrokerResource.BOOTSTRAP_ENV) == null) {
            assertEquals(Map.of("kafka.bootstrap.servers", broker.bootstrapServers()), new KafkaBrokerResource().start());
        }
    }

    private int partitions(BatonTopic topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            TopicDescription description = admin.describeTopics(List.of(topic.topicName()))
                    .allTopicNames().get().get(topic.topicName());
            return description.partitions().size();
        }
    }
}
