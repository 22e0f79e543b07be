package dev.baton.gateway.publish;

import dev.baton.kafka.BatonTopic;
import dev.baton.proto.Control;
import dev.baton.proto.ControlKind;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.RecordSchema;
import dev.baton.proto.kafka.ProtobufSerializer;
import com.google.protobuf.MessageLite;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Writes requests to baton.requests and cancels to baton.control, keyed by request id. The producer waits for all
 * in-sync replicas ({@code acks=all}) and is idempotent, so a retried send never duplicates or reorders a record: a
 * request the client was told was accepted is durably in the log. Sends go out at once ({@code linger.ms=0}): a
 * request is a single small record and every millisecond of batching is a millisecond of time to first token.
 */
@ApplicationScoped
public class RequestPublisher {
    private static final Logger LOG = Logger.getLogger(RequestPublisher.class);

    private final KafkaProducer<String, MessageLite> producer;

    RequestPublisher(KafkaSettings kafka) {
        Properties p = kafka.base("producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        // a broker that cannot be reached fails the request in seconds (503), not after the two-minute default
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ProtobufSerializer<>());
    }

    /**
     * Fetches the topics' metadata once at startup, off the event loop: the first send of a producer blocks until it
     * knows the topic's partitions, and sends run on the HTTP event loop.
     */
    void warmUp(@Observes StartupEvent started) {
        Thread.ofVirtual().name("baton-producer-warm-up").start(() -> {
            for (BatonTopic topic : new BatonTopic[] {BatonTopic.REQUESTS, BatonTopic.CONTROL}) {
                try {
                    producer.partitionsFor(topic.topicName());
                } catch (RuntimeException e) {
                    LOG.infof("no metadata for %s yet (%s); the first request will fetch it", topic.topicName(),
                            e.getMessage());
                }
            }
        });
    }

    /** Completes when the broker has the request durably; fails when it could not be written. */
    public CompletionStage<Void> publish(InferenceRequest request) {
        return send(BatonTopic.REQUESTS.topicName(), request.getRequestId(), request);
    }

    /** Asks every stage to stop the request and free its memory; best effort (a lost cancel only wastes work). */
    public void cancel(String requestId, String reason) {
        Control cancel = Control.newBuilder().setSchemaVersion(RecordSchema.CURRENT_VERSION)
                .setKind(ControlKind.CONTROL_KIND_CANCEL).setRequestId(requestId).setReason(reason)
                .setCreatedAtMs(System.currentTimeMillis()).build();
        send(BatonTopic.CONTROL.topicName(), requestId, cancel).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.warnf("could not publish the cancel of %s: %s", requestId, failure.getMessage());
            }
        });
    }

    private CompletionStage<Void> send(String topic, String key, MessageLite value) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, failure) -> {
                if (failure != null) {
                    done.completeExceptionally(failure);
                } else {
                    done.complete(null);
                }
            });
        } catch (RuntimeException e) { // metadata not available within max.block.ms, or the producer is closed
            done.completeExceptionally(e);
        }
        return done;
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
