package dev.baton.gateway.replies;

import dev.baton.gateway.GatewayConfig;
import dev.baton.gateway.publish.KafkaSettings;
import dev.baton.gateway.status.RequestStore;
import dev.baton.kafka.BatonTopic;
import dev.baton.kafka.RequestTrace;
import dev.baton.proto.TokenEvent;
import dev.baton.proto.kafka.TokenEventDeserializer;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads this instance's reply partitions, and only those: the partitions are assigned, not subscribed, so no
 * consumer group moves them to another instance, and N gateways side by side each see exactly their own replies.
 * Reading starts at the end of each partition (replies to requests published before this start are not waited
 * for by anyone here; GET /v1/requests/{id} rebuilds those from the log). Every event goes to the
 * {@link RequestStore}, which drops duplicates and hands the rest to the waiting client.
 *
 * <p>One platform thread polls; it never blocks on a client (listeners only post to the client's event loop).
 */
@ApplicationScoped
public class ReplyConsumer {
    private static final Logger LOG = Logger.getLogger(ReplyConsumer.class);

    private final GatewayConfig config;
    private final KafkaSettings kafka;
    private final RequestStore store;
    private volatile ReplyPartitions partitions;
    private volatile KafkaConsumer<String, TokenEvent> consumer;
    private volatile boolean running;
    private Thread thread;

    ReplyConsumer(GatewayConfig config, KafkaSettings kafka, RequestStore store) {
        this.config = config;
        this.kafka = kafka;
        this.store = store;
    }

    void start(@Observes StartupEvent started) {
        running = true;
        thread = Thread.ofPlatform().name("baton-replies").daemon().start(this::run);
    }

    /** The owned partitions, or null while the reply topic has not been found yet. */
    public ReplyPartitions partitions() {
        return partitions;
    }

    /** True once the owned partitions are assigned and positioned (readiness). */
    public boolean isReady() {
        return partitions != null;
    }

    private void run() {
        Properties p = kafka.base("replies");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        String topic = BatonTopic.REPLIES.topicName();
        try (KafkaConsumer<String, TokenEvent> c = new KafkaConsumer<>(p, new StringDeserializer(), new TokenEventDeserializer())) {
            consumer = c;
            ReplyPartitions owned = awaitPartitions(c, topic);
            if (owned == null) {
                return;
            }
            List<TopicPartition> assigned = owned.owned().stream().map(n -> new TopicPartition(topic, n)).toList();
            c.assign(assigned);
            c.seekToEnd(assigned);
            assigned.forEach(c::position); // resolve "end" now, so nothing published from here on is skipped
            partitions = owned;
            LOG.infof("consuming replies from %s partitions %s", topic, owned.owned());
            while (running) {
                poll(c);
            }
        } catch (WakeupException e) {
            // shutting down
        } catch (IllegalArgumentException e) { // a reply-partitions setting that cannot work: stop, saying why
            LOG.error(e.getMessage());
            Quarkus.asyncExit(1);
        } catch (RuntimeException e) {
            LOG.error("the reply consumer stopped", e);
        }
    }

    private void poll(KafkaConsumer<String, TokenEvent> c) {
        try {
            for (ConsumerRecord<String, TokenEvent> record : c.poll(Duration.ofMillis(500))) {
                if (record.value() != null) {
                    if (record.value().getIndex() == 0) {
                        RequestTrace.mark(record.value().getRequestId(), "reply-consumed");
                    }
                    store.onEvent(record.value());
                }
            }
        } catch (RecordDeserializationException e) {
            // not a TokenEvent: nobody can be waiting for it; step over it so the partition keeps flowing
            LOG.warnf("skipping an unreadable reply at %s offset %d: %s", e.topicPartition(), e.offset(), e.getMessage());
            c.seek(e.topicPartition(), e.offset() + 1);
        }
    }

    private ReplyPartitions awaitPartitions(KafkaConsumer<String, TokenEvent> c, String topic) {
        while (running) {
            try {
                List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos != null && !infos.isEmpty()) {
                    return ReplyPartitions.parse(config.replyPartitions(), config.replySpread(), infos.size());
                }
                LOG.infof("waiting for topic %s", topic);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.infof("waiting for the Kafka broker at %s", kafka.bootstrapServers());
            }
        }
        return null;
    }

    void stop(@Observes ShutdownEvent stopping) {
        running = false;
        KafkaConsumer<String, TokenEvent> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
