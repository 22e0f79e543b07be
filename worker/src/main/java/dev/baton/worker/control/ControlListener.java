package dev.baton.worker.control;

import dev.baton.kafka.BatonTopic;
import dev.baton.proto.Control;
import dev.baton.proto.ControlKind;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Reads {@code baton.control} on its own thread: every partition, assigned directly (no consumer group, so every stage
 * of every pipeline sees every record), starting {@code lookback} ago so that a cancel published shortly before this
 * stage started still counts. Each cancel is remembered in {@link CancelledRequests} and handed to the stage.
 * Records that are not a valid {@link Control} are logged and skipped: nothing else reads them from here.
 */
public final class ControlListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ControlListener.class);

    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final CancelledRequests cancelled;
    private final Consumer<String> onCancel;
    private final Duration lookback;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean assigned;

    /** @param onCancel called on the listener's thread with each newly cancelled request id */
    public ControlListener(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
                           CancelledRequests cancelled, Duration lookback, Consumer<String> onCancel) {
        this.consumer = consumer;
        this.cancelled = cancelled;
        this.onCancel = onCancel;
        this.lookback = lookback;
        this.thread = new Thread(this::run, "baton-control-listener");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Whether the listener has its partitions and reads them. */
    public boolean assigned() {
        return assigned;
    }

    private void run() {
        while (running) {
            try {
                if (!assigned) {
                    assign();
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    accept(record);
                }
            } catch (WakeupException e) {
                // closing
            } catch (KafkaException e) {
                LOG.warnf("reading %s failed: %s", BatonTopic.CONTROL.topicName(), e.toString());
                sleepQuietly(1000);
            }
        }
        consumer.close();
    }

    private void assign() {
        String topic = BatonTopic.CONTROL.topicName();
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            LOG.warnf("topic %s has no partitions yet; cancels are not seen until it exists", topic);
            sleepQuietly(1000);
            return;
        }
        consumer.assign(partitions);
        long since = System.currentTimeMillis() - lookback.toMillis();
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(p -> times.put(p, since));
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times, Duration.ofSeconds(10));
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp start = starts.get(p);
            consumer.seek(p, start != null ? start.offset() : ends.get(p));
        }
        assigned = true;
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        Control control;
        try {
            control = Control.parseFrom(record.value() == null ? new byte[0] : record.value());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            LOG.warnf("skipping %s-%d@%d: not a Control record (%s)", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        if (control.getKind() == ControlKind.CONTROL_KIND_CANCEL && !control.getRequestId().isEmpty()
                && cancelled.add(control.getRequestId())) {
            onCancel.accept(control.getRequestId());
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(); // stopped before it started (during the stage's warm-up)
            return;
        }
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
