package dev.baton.replay;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.baton.proto.TokenEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    private static final Duration STALL = Duration.ofSeconds(30);

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
            for (Map.Entry<TopicPartition, Long> entry : startMs.entrySet()) {
                TopicPartition tp = entry.getKey();
                if (tp.partition() >= 0 && broker.exists(tp.topic()) && tp.partition() < broker.partitions(tp.topic())) {
                    scan(consumer, tp, entry.getValue(), wanted.get(tp), answers);
                }
            }
        }
        return answers;
    }

    private static void scan(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, long fromMs, int wanted,
                             Map<String, Answer> answers) {
        consumer.assign(List.of(tp));
        OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(tp, Math.max(0, fromMs))).get(tp);
        if (start == null) {
            return; // nothing logged that recently
        }
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        consumer.seek(tp, start.offset());
        int finished = 0;
        long lastProgress = System.nanoTime();
        while (consumer.position(tp) < end && finished < wanted) {
            var records = consumer.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                throw new ReplayFailure("reading the replies on " + tp + " stalled at offset " + consumer.position(tp));
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                Answer answer = record.key() == null ? null
                        : answers.get(new String(record.key(), StandardCharsets.UTF_8));
                TokenEvent event = answer == null ? null : parse(record.value());
                if (event != null && !answer.finished()) {
                    answer.accept(event);
                    if (answer.finished()) {
                        finished++;
                    }
                }
            }
        }
    }

    static TokenEvent parse(byte[] value) {
        try {
            return value == null ? null : TokenEvent.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            return null; // a reply that does not parse cannot be compared; the request reads as unanswered there
        }
    }
}
