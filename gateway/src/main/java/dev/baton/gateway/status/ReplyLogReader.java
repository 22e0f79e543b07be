package dev.baton.gateway.status;

import dev.baton.gateway.GatewayConfig;
import dev.baton.gateway.publish.KafkaSettings;
import dev.baton.kafka.BatonTopic;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.TokenEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Rebuilds a request's status from the logs when this instance no longer holds it in memory (it restarted, or the
 * request is older than the recent ones kept): the request record is found in baton.requests (its partition follows
 * from the key, its position from the creation time the id carries), and its reply events are read from the reply
 * partition it names, from that time on, through the same duplicate-dropping {@link RequestRecord} as live replies.
 * Blocking; reads are bounded by a time budget so one lookup cannot hold a worker thread for long.
 */
@ApplicationScoped
public class ReplyLogReader {
    private static final Duration BUDGET = Duration.ofSeconds(10);
    /** Producer and broker clocks differ a little; start reading a bit before the id's time. */
    private static final long CLOCK_SLACK_MS = 5_000;

    private final GatewayConfig config;
    private final KafkaSettings kafka;
    private final RequestStore store;

    ReplyLogReader(GatewayConfig config, KafkaSettings kafka, RequestStore store) {
        this.config = config;
        this.kafka = kafka;
        this.store = store;
    }

    /** The request's record rebuilt from the logs, or empty when the logs do not hold it. */
    public Optional<RequestRecord> rebuild(String id) {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        long from = RequestIds.createdAtMs(id).orElse(System.currentTimeMillis() - config.statusLookback().toMillis())
                - CLOCK_SLACK_MS;
        Properties p = kafka.base("status");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            String requests = BatonTopic.REQUESTS.topicName();
            List<PartitionInfo> infos = consumer.partitionsFor(requests, Duration.ofSeconds(3));
            if (infos == null || infos.isEmpty()) {
                return Optional.empty();
            }
            // the partition the default partitioner chose for this key
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % infos.size();
            InferenceRequest[] found = new InferenceRequest[1];
            scan(consumer, new TopicPartition(requests, partition), from, deadline, record -> {
                if (id.equals(record.key()) && record.value() != null) {
                    found[0] = parse(record.value(), InferenceRequest.parser());
                }
                return found[0] != null;
            });
            if (found[0] == null) {
                return Optional.empty();
            }
            InferenceRequest request = found[0];
            RequestRecord rebuilt = new RequestRecord(id, RequestIds.kindOf(id), request.getModel(),
                    request.getCreatedAtMs(), request.getPromptTokenIdsCount(),
                    request.getSampling().getLogprobs());
            String replies = request.getReplyTopic().isEmpty() ? BatonTopic.REPLIES.topicName() : request.getReplyTopic();
            scan(consumer, new TopicPartition(replies, request.getReplyPartition()), from, deadline, record -> {
                if (id.equals(record.key()) && record.value() != null) {
                    TokenEvent event = parse(record.value(), TokenEvent.parser());
                    if (event != null) {
                        rebuilt.accept(event);
                    }
                }
                return rebuilt.isFinished();
            });
            store.remember(rebuilt);
            return Optional.of(rebuilt);
        }
    }

    /** Reads one partition from the first record at or after {@code fromMs} until {@code done}, its end, or the deadline. */
    private static void scan(KafkaConsumer<String, byte[]> consumer, TopicPartition partition, long fromMs, long deadline,
                             Predicate<ConsumerRecord<String, byte[]>> done) {
        consumer.assign(List.of(partition));
        Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(Map.of(partition, Math.max(0, fromMs)),
                Duration.ofSeconds(3));
        OffsetAndTimestamp at = start.get(partition);
        if (at == null) {
            return; // nothing that recent
        }
        long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(3)).get(partition);
        consumer.seek(partition, at.offset());
        while (consumer.position(partition) < end && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (done.test(record)) {
                    return;
                }
            }
        }
    }

    private static <T> T parse(byte[] bytes, com.google.protobuf.Parser<T> parser) {
        try {
            return parser.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return null; // not ours to judge here; the workers send such records to the dead-letter topic
        }
    }
}
