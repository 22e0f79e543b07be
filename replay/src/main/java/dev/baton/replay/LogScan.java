package dev.baton.replay;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads offset ranges of several partitions in one poll loop (a partition at a time would pay the fetch wait once per
 * partition). A partition leaves the loop at the end of its range, or when the visitor has seen enough of it.
 */
final class LogScan {
    /** How long the ranges may give nothing while records are still due before the scan gives up. */
    private static final Duration STALL = Duration.ofSeconds(30);

    /** Offsets {@code from} (included) to {@code to} (excluded). */
    record Range(long from, long to) {
    }

    interface Visitor {
        /** Sees one record of a range; returns false when its partition needs no more. */
        boolean visit(ConsumerRecord<byte[], byte[]> record);
    }

    private LogScan() {
    }

    static void read(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Range> ranges, Visitor visitor) {
        Map<TopicPartition, Range> open = new HashMap<>();
        ranges.forEach((tp, range) -> {
            if (range.from() < range.to()) {
                open.put(tp, range);
            }
        });
        consumer.assign(open.keySet());
        open.forEach((tp, range) -> consumer.seek(tp, range.from()));
        long lastProgress = System.nanoTime();
        while (!open.isEmpty()) {
            var records = consumer.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                throw new ReplayFailure("reading " + open.keySet() + " stalled (no records for " + STALL.toSeconds()
                        + " s before the end of the range)");
            }
            for (TopicPartition tp : records.partitions()) {
                Range range = open.get(tp);
                for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                    if (range == null) {
                        break;
                    }
                    if (record.offset() >= range.to() || !visitor.visit(record)) {
                        open.remove(tp);
                        range = null;
                    }
                }
            }
            // a range whose last offsets were transaction markers or compacted away ends without a record at its end
            open.keySet().removeIf(tp -> consumer.position(tp) >= open.get(tp).to());
            Set<TopicPartition> done = new HashSet<>(consumer.assignment());
            done.removeAll(open.keySet());
            consumer.pause(done);
        }
    }
}
