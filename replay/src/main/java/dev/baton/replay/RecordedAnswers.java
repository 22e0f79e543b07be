package dev.baton.replay;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.baton.proto.TokenEvent;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * The answers the reply log recorded for a batch of logged requests: one scan per reply partition the batch names,
 * from the earliest of its requests (less a clock allowance) to the partition's end as it was when the scan began.
 * A request whose events are not there (never answered, the log truncated, its topic gone) gets an empty answer.
 */
final class RecordedAnswers {
    /** Producer and broker clocks differ a little, and a request's record may be logged after its first event. */
    private static final long CLOCK_ALLOWANCE_MS = 5_000;

    private RecordedAnswers() {
    }

    static Map<String, Answer> read(Broker broker, List<LoggedRequest> requests) {
        Map<String, Answer> answers = new HashMap<>();
        Map<TopicPartition, Long> startMs = new HashMap<>();
        Map<TopicPartition, Integer> wanted = new HashMap<>();
        for (LoggedRequest logged : requests) {
            answers.put(logged.id(), new Answer());
            long from = Math.min(logged.timestampMs(), logged.request().getCreatedAtMs() > 0
                    ? logged.request().getCreatedAtMs() : Long.MAX_VALUE) - CLOCK_ALLOWANCE_MS;
            startMs.merge(logged.replyPartition(), from, Math::min);
            wanted.merge(logged.replyPartition(), 1, Integer::sum);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
            Map<TopicPartition, Long> from = new HashMap<>();
            startMs.forEach((tp, ms) -> {
                if (tp.partition() >= 0 && broker.exists(tp.topic()) && tp.partition() < broker.partitions(tp.topic())) {
                    from.put(tp, Math.max(0, ms));
                }
            });
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(from);
            Map<TopicPartition, Long> ends = consumer.endOffsets(from.keySet());
            Map<TopicPartition, LogScan.Range> ranges = new HashMap<>();
            starts.forEach((tp, start) -> {
                if (start != null) { // null: nothing logged there that recently
                    ranges.put(tp, new LogScan.Range(start.offset(), ends.get(tp)));
                }
            });
            Map<TopicPartition, Integer> finished = new HashMap<>();
            LogScan.read(consumer, ranges, record -> {
                Answer answer = record.key() == null ? null
                        : answers.get(new String(record.key(), StandardCharsets.UTF_8));
                TokenEvent event = answer == null ? null : parse(record.value());
                if (event != null && !answer.finished()) {
                    answer.accept(event);
                    if (answer.finished()) {
                        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                        return finished.merge(tp, 1, Integer::sum) < wanted.get(tp);
                    }
                }
                return true;
            });
        }
        return answers;
    }

    static TokenEvent parse(byte[] value) {
        try {
            return value == null ? null : TokenEvent.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            return null; // a reply that does not parse cannot be compared; the request reads as unanswered there
        }
    }
}
