package dev.baton.replay;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.baton.proto.InferenceRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the requests a {@link RequestSelection} names from the request log. Records that are not requests (bytes
 * that do not parse, tombstones, a request without an id) are counted and skipped, as are records that are
 * themselves replays: replaying a replay would only compare the tool with itself.
 */
final class RequestLogReader {
    /** The requests in range (in log-time order, at most the limit) and what was skipped on the way. */
    record Read(List<LoggedRequest> requests, int undeserializable, int replaysSkipped, boolean limited) {
    }

    private final Broker broker;
    private final String topic;

    RequestLogReader(Broker broker, String topic) {
        this.broker = broker;
        this.topic = topic;
    }

    Read read(RequestSelection selection, int limit) {
        int partitions = broker.partitions(topic);
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer()) {
            List<RequestSelection.OffsetSpan> spans = resolve(consumer, selection, partitions);
            Skipped skipped = new Skipped();
            List<LoggedRequest> found = new ArrayList<>();
            readAll(consumer, spans, limit, found, skipped);
            // each partition gave at most its first `limit`; the earliest `limit` overall are among them
            found.sort(Comparator.comparingLong(LoggedRequest::timestampMs)
                    .thenComparingInt(LoggedRequest::partition).thenComparingLong(LoggedRequest::offset));
            boolean limited = skipped.cutShort || found.size() > limit;
            List<LoggedRequest> kept = found.size() > limit ? List.copyOf(found.subList(0, limit)) : List.copyOf(found);
            return new Read(kept, skipped.undeserializable, skipped.replays, limited);
        }
    }

    /** Concrete offset spans, clamped to what each partition still holds. */
    private List<RequestSelection.OffsetSpan> resolve(KafkaConsumer<byte[], byte[]> consumer,
                                                      RequestSelection selection, int partitions) {
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(topic, p));
        }
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(all);
        Map<TopicPartition, Long> end = consumer.endOffsets(all);
        List<RequestSelection.OffsetSpan> spans = new ArrayList<>();
        switch (selection) {
            case RequestSelection.Offsets offsets -> {
                for (RequestSelection.OffsetSpan span : offsets.spans()) {
                    if (span.partition() >= partitions) {
                        throw new ReplayOptions.UsageException("--offsets names partition " + span.partition()
                                + ", but " + topic + " has " + partitions + " partitions (0.." + (partitions - 1) + ")");
                    }
                    TopicPartition tp = all.get(span.partition());
                    spans.add(new RequestSelection.OffsetSpan(span.partition(), Math.max(span.from(), begin.get(tp)),
                            Math.min(span.to(), end.get(tp))));
                }
            }
            case RequestSelection.TimeRange range -> {
                Map<TopicPartition, Long> from = offsetsAt(consumer, all, range.since(), end);
                Map<TopicPartition, Long> to = range.until() == null ? end : offsetsAt(consumer, all, range.until(), end);
                for (TopicPartition tp : all) {
                    spans.add(new RequestSelection.OffsetSpan(tp.partition(), from.get(tp), to.get(tp)));
                }
            }
        }
        return spans;
    }

    /** Per partition, the first offset logged at or after {@code time}; the end when nothing is that recent. */
    private static Map<TopicPartition, Long> offsetsAt(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> all,
                                                       Instant time, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> query = new HashMap<>();
        all.forEach(tp -> query.put(tp, Math.max(0, time.toEpochMilli())));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition tp : all) {
            OffsetAndTimestamp at = found.get(tp);
            offsets.put(tp, at == null ? end.get(tp) : at.offset());
        }
        return offsets;
    }

    private void readAll(KafkaConsumer<byte[], byte[]> consumer, List<RequestSelection.OffsetSpan> spans, int limit,
                         List<LoggedRequest> found, Skipped skipped) {
        // one range per partition, from its first span's start to its last span's end; records between spans skipped
        Map<TopicPartition, LogScan.Range> ranges = new HashMap<>();
        for (RequestSelection.OffsetSpan span : spans) {
            if (span.from() < span.to()) {
                ranges.merge(new TopicPartition(topic, span.partition()), new LogScan.Range(span.from(), span.to()),
                        (a, b) -> new LogScan.Range(Math.min(a.from(), b.from()), Math.max(a.to(), b.to())));
            }
        }
        Map<Integer, Integer> taken = new HashMap<>();
        LogScan.read(consumer, ranges, record -> {
            if (spans.stream().noneMatch(span -> span.partition() == record.partition()
                    && span.from() <= record.offset() && record.offset() < span.to())) {
                return true;
            }
            if (taken.getOrDefault(record.partition(), 0) >= limit) {
                skipped.cutShort = true;
                return false;
            }
            InferenceRequest request = parse(record.value());
            if (request == null) {
                skipped.undeserializable++;
            } else if (request.hasReplay()) {
                skipped.replays++;
            } else {
                found.add(new LoggedRequest(request, topic, record.partition(), record.offset(), record.timestamp()));
                taken.merge(record.partition(), 1, Integer::sum);
            }
            return true;
        });
    }

    private static final class Skipped {
        int undeserializable;
        int replays;
        boolean cutShort;
    }

    private static InferenceRequest parse(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            InferenceRequest request = InferenceRequest.parseFrom(value);
            return request.getRequestId().isEmpty() ? null : request;
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }
}
