package dev.baton.worker.output;

import dev.baton.kafka.BatonTopic;
import dev.baton.kafka.RequestTrace;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.TokenEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.jboss.logging.Logger;

/**
 * Publishes a request's {@link TokenEvent}s to the reply partition the request names, keyed by request id. The
 * producer is idempotent with {@code acks=all}, so the events of one request land once each and in order; the
 * acknowledgement of a request's terminal event therefore covers all its earlier ones. A send that fails for good
 * (after the producer's own retries) leaves the request unfinished (its offset is never committed) and marks this
 * publisher unhealthy, so the liveness check fails and the process is restarted; the request is then read again.
 */
public final class ReplyPublisher {
    private static final Logger LOG = Logger.getLogger(ReplyPublisher.class);
    private static final long PARTITION_REFRESH_MILLIS = 10_000;

    private final Producer<byte[], byte[]> producer;
    private final Map<String, TopicPartitions> partitionCounts = new ConcurrentHashMap<>();
    private volatile String failure;

    private record TopicPartitions(int count, long readAtMillis) {
    }

    public ReplyPublisher(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /** The topic a request's events go to. */
    public static String replyTopic(InferenceRequest request) {
        return request.getReplyTopic().isEmpty() ? BatonTopic.REPLIES.topicName() : request.getReplyTopic();
    }

    /** Why the request's events could not be delivered (null when they can): an unknown topic or partition. */
    public String unroutable(InferenceRequest request) {
        String topic = replyTopic(request);
        int partition = request.getReplyPartition();
        if (partition < 0) {
            return "reply_partition " + partition + " is negative";
        }
        int count = partitionCount(topic, partition);
        if (count == 0) {
            return "reply topic " + topic + " does not exist";
        }
        if (partition >= count) {
            return "reply_partition " + partition + " is outside reply topic " + topic + " (" + count
                    + " partitions)";
        }
        return null;
    }

    private int partitionCount(String topic, int partition) {
        TopicPartitions known = partitionCounts.get(topic);
        long now = System.currentTimeMillis();
        if (known == null || (partition >= known.count() && now - known.readAtMillis() > PARTITION_REFRESH_MILLIS)) {
            int count;
            try {
                count = producer.partitionsFor(topic).stream().mapToInt(PartitionInfo::partition).max().orElse(-1)
                        + 1;
            } catch (RuntimeException e) {
                LOG.warnf("cannot read the partitions of reply topic %s: %s", topic, e.getMessage());
                count = 0;
            }
            known = new TopicPartitions(count, now);
            partitionCounts.put(topic, known);
        }
        return known.count();
    }

    /** Sends one event; {@code onAcked} runs on the producer's thread once the broker has it. */
    public void publish(InferenceRequest request, TokenEvent event, Runnable onAcked) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(replyTopic(request),
                request.getReplyPartition(), request.getRequestId().getBytes(StandardCharsets.UTF_8),
                event.toByteArray());
        boolean first = event.getIndex() == 0;
        if (first) {
            RequestTrace.mark(request.getRequestId(), "token-sent");
        }
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                if (first) {
                    RequestTrace.mark(request.getRequestId(), "token-acked");
                }
                if (onAcked != null) {
                    onAcked.run();
                }
            } else {
                failure = "publishing a TokenEvent of request " + request.getRequestId() + " failed: " + error;
                LOG.error(failure, error);
            }
        });
    }

    /** Null while every send succeeded; otherwise the first lasting failure. */
    public String failure() {
        return failure;
    }
}
