package dev.baton.worker.output;

import dev.baton.kafka.BatonTopic;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

/**
 * Sends request records that cannot be served to {@code baton.requests.dlq}: the original key and value bytes
 * unchanged, the original headers kept, and the reason in {@code baton.dlq.*} headers. The record's offset may only
 * be committed once the dead letter is acknowledged ({@code onAcked}); a send that fails for good leaves it
 * uncommitted and marks this sender unhealthy (see {@link ReplyPublisher}).
 */
public final class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    public static final String REASON = "baton.dlq.reason";
    public static final String ERROR_CODE = "baton.dlq.error-code";
    public static final String SOURCE_TOPIC = "baton.dlq.source-topic";
    public static final String SOURCE_PARTITION = "baton.dlq.source-partition";
    public static final String SOURCE_OFFSET = "baton.dlq.source-offset";
    public static final String FAILED_AT = "baton.dlq.failed-at-ms";

    private final Producer<byte[], byte[]> producer;
    private volatile String failure;

    public DeadLetters(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /**
     * @param errorCode a short machine-readable reason: {@code UNDESERIALIZABLE}, or an {@code ErrorCode} name
     * @param reason    human-readable detail
     */
    public void send(ConsumerRecord<byte[], byte[]> source, String errorCode, String reason, Runnable onAcked) {
        Headers headers = new RecordHeaders(source.headers().toArray());
        headers.remove(REASON).remove(ERROR_CODE).remove(SOURCE_TOPIC).remove(SOURCE_PARTITION).remove(SOURCE_OFFSET)
                .remove(FAILED_AT);
        headers.add(REASON, utf8(reason));
        headers.add(ERROR_CODE, utf8(errorCode));
        headers.add(SOURCE_TOPIC, utf8(source.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(source.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(source.offset())));
        headers.add(FAILED_AT, utf8(Long.toString(System.currentTimeMillis())));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(BatonTopic.REQUESTS_DLQ.topicName(), null,
                source.key(), source.value(), headers);
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                onAcked.run();
            } else {
                failure = "dead-lettering " + source.topic() + "-" + source.partition() + "@" + source.offset()
                        + " failed: " + error;
                LOG.error(failure, error);
            }
        });
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Null while every send succeeded; otherwise the first lasting failure. */
    public String failure() {
        return failure;
    }
}
