package dev.baton.worker.runtime;

import dev.baton.kafka.BatonTopic;
import dev.baton.proto.Control;
import dev.baton.proto.ControlKind;
import dev.baton.proto.FinishReason;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.RecordSchema;
import dev.baton.proto.TokenEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Test-side Kafka: publishing requests and cancels, collecting replies and dead letters, and consumer-group offsets. */
public final class TestKafka implements AutoCloseable {
    private final String bootstrapServers;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Collector replies;
    private final Collector deadLetters;

    public TestKafka(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("acks", "all");
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.replies = new Collector(bootstrapServers, BatonTopic.REPLIES.topicName());
        this.deadLetters = new Collector(bootstrapServers, BatonTopic.REQUESTS_DLQ.topicName());
    }

    /** Commits the group's offsets at the current end of baton.requests, so its first member reads only new requests. */
    public static void startGroupAtEnd(String bootstrapServers, String group) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            String topic = BatonTopic.REQUESTS.topicName();
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int i = 0; i < partitions; i++) {
                latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, ends).all().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot position group " + group, e);
        }
    }

    /** The group's committed offsets on baton.requests. */
    public Map<TopicPartition, Long> committed(String group) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> e.getValue() != null)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes a request (key = its id); returns where it landed. */
    public TopicPartitionOffset send(InferenceRequest request) {
        return sendRaw(request.getRequestId().getBytes(StandardCharsets.UTF_8), request.toByteArray());
    }

    /** Publishes all requests at once (one flush), so they reach stage 0 together. */
    public void sendAll(List<InferenceRequest> requests) {
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> acks = new ArrayList<>();
        for (InferenceRequest request : requests) {
            acks.add(producer.send(new ProducerRecord<>(BatonTopic.REQUESTS.topicName(),
                    request.getRequestId().getBytes(StandardCharsets.UTF_8), request.toByteArray())));
        }
        producer.flush();
        try {
            for (var ack : acks) {
                ack.get();
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public TopicPartitionOffset sendRaw(byte[] key, byte[] value) {
        try {
            var metadata = producer.send(new ProducerRecord<>(BatonTopic.REQUESTS.topicName(), key, value)).get();
            return new TopicPartitionOffset(new TopicPartition(metadata.topic(), metadata.partition()),
                    metadata.offset());
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public record TopicPartitionOffset(TopicPartition partition, long offset) {
    }

    public void cancel(String requestId) {
        Control control = Control.newBuilder().setSchemaVersion(RecordSchema.CURRENT_VERSION)
                .setKind(ControlKind.CONTROL_KIND_CANCEL).setRequestId(requestId).setReason("test")
                .setCreatedAtMs(System.currentTimeMillis()).build();
        try {
            producer.send(new ProducerRecord<>(BatonTopic.CONTROL.topicName(),
                    requestId.getBytes(StandardCharsets.UTF_8), control.toByteArray())).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request's events by index (duplicates from a regeneration collapse), once its terminal event arrived. */
    public List<TokenEvent> awaitReply(String requestId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            TreeMap<Integer, TokenEvent> events = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> record : replies.records()) {
                TokenEvent event = parse(record.value());
                if (event.getRequestId().equals(requestId)) {
                    events.putIfAbsent(event.getIndex(), event);
                }
            }
            if (!events.isEmpty()
                    && events.lastEntry().getValue().getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED) {
                return new ArrayList<>(events.values());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no terminal event for " + requestId + " within " + timeout + "; got "
                        + events.size() + " events");
            }
            InJvmPipeline.sleep(10);
        }
    }

    /** Events of the request seen so far (possibly none). */
    public List<TokenEvent> repliesSoFar(String requestId) {
        return replies.records().stream().map(r -> parse(r.value()))
                .filter(e -> e.getRequestId().equals(requestId)).toList();
    }

    /** Dead letters that arrived since this object was created. */
    public List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        return deadLetters.records();
    }

    private static TokenEvent parse(byte[] bytes) {
        try {
            return TokenEvent.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("not a TokenEvent on baton.replies", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        replies.close();
        deadLetters.close();
    }

    /** Reads a whole topic from its end at creation, on a thread of its own. */
    private static final class Collector implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        Collector(String bootstrapServers, String topic) {
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrapServers);
            p.put("enable.auto.commit", "false");
            p.put("key.deserializer", ByteArrayDeserializer.class.getName());
            p.put("value.deserializer", ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
            Collection<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // fix the start now, before anything is published
            thread = new Thread(() -> {
                while (running) {
                    try {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                            synchronized (records) {
                                records.add(r);
                            }
                        }
                    } catch (org.apache.kafka.common.errors.WakeupException e) {
                        break;
                    }
                }
                consumer.close();
            }, "test-collector-" + topic);
            thread.setDaemon(true);
            thread.start();
        }

        List<ConsumerRecord<byte[], byte[]>> records() {
            synchronized (records) {
                return List.copyOf(records);
            }
        }

        @Override
        public void close() {
            running = false;
            consumer.wakeup();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
