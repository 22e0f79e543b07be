package dev.baton.gateway.system;

import com.google.protobuf.ByteString;
import dev.baton.kafka.BatonTopic;
import dev.baton.proto.Control;
import dev.baton.proto.ControlKind;
import dev.baton.proto.ErrorCode;
import dev.baton.proto.ErrorInfo;
import dev.baton.proto.FinishReason;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.RecordSchema;
import dev.baton.proto.TokenEvent;
import dev.baton.proto.TopLogprob;
import dev.baton.proto.Usage;
import dev.baton.proto.kafka.ControlDeserializer;
import dev.baton.proto.kafka.InferenceRequestDeserializer;
import dev.baton.proto.kafka.ProtobufSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A stand-in pipeline on the records contract (records.proto), so the gateway can be tested without the worker:
 * it joins the pipelines' consumer group on baton.requests and answers each request with TokenEvents on the reply
 * partition the request names. Token i of a request has the text {@code "w<i> "}. How it answers follows the
 * request id's prefix (tests choose ids with X-Request-Id):
 * <ul>
 *   <li>{@code dup-}: a redelivery: tokens 0..2, then the whole answer again from index 0, then the terminal event again;</li>
 *   <li>{@code slow-}: 100 ms between tokens, until max_tokens or a cancel (then a CANCELLED terminal event);</li>
 *   <li>{@code fail-}: one terminal event with an INVALID_REQUEST error;</li>
 *   <li>{@code mute-}: no answer at all (a pipeline that lost the request);</li>
 *   <li>anything else: max_tokens tokens at once (8 when max_tokens is 0), finish reason LENGTH.</li>
 * </ul>
 * It records every request and every cancel it sees, for the tests to inspect.
 */
final class ScriptedPipeline implements AutoCloseable {
    final Map<String, InferenceRequest> requests = new ConcurrentHashMap<>();
    final Set<String> cancels = ConcurrentHashMap.newKeySet();
    private final KafkaConsumer<String, InferenceRequest> consumer;
    private final KafkaConsumer<String, Control> controls;
    private final KafkaProducer<String, TokenEvent> producer;
    private final Thread requestThread;
    private final Thread controlThread;
    private volatile boolean running = true;

    ScriptedPipeline(String bootstrapServers) {
        Properties c = new Properties();
        c.put("bootstrap.servers", bootstrapServers);
        c.put("group.id", "baton-pipelines");
        c.put("auto.offset.reset", "latest");
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new InferenceRequestDeserializer());
        Properties k = new Properties();
        k.put("bootstrap.servers", bootstrapServers);
        controls = new KafkaConsumer<>(k, new StringDeserializer(), new ControlDeserializer());
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("linger.ms", "0");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ProtobufSerializer<>());
        TopicPartition control = new TopicPartition(BatonTopic.CONTROL.topicName(), 0);
        controls.assign(List.of(control));
        controls.seekToEnd(List.of(control));
        controls.position(control);
        consumer.subscribe(List.of(BatonTopic.REQUESTS.topicName()));
        requestThread = Thread.ofPlatform().name("scripted-pipeline").start(this::serve);
        controlThread = Thread.ofPlatform().name("scripted-pipeline-control").start(this::watchControl);
    }

    /** Waits until the group has assigned this member its partitions, so requests published from now on reach it. */
    void awaitAssignment() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (assigned.isEmpty() && System.nanoTime() < deadline) {
            ServiceProcess.sleep(50);
        }
        if (assigned.isEmpty()) {
            throw new IllegalStateException("the scripted pipeline got no partitions");
        }
    }

    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();

    private void serve() {
        try {
            while (running) {
                for (ConsumerRecord<String, InferenceRequest> record : consumer.poll(Duration.ofMillis(100))) {
                    InferenceRequest request = record.value();
                    requests.put(request.getRequestId(), request);
                    Thread.ofVirtual().start(() -> answer(request));
                }
                assigned.addAll(consumer.assignment());
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void watchControl() {
        try {
            while (running) {
                for (ConsumerRecord<String, Control> record : controls.poll(Duration.ofMillis(100))) {
                    if (record.value().getKind() == ControlKind.CONTROL_KIND_CANCEL) {
                        cancels.add(record.value().getRequestId());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            controls.close(Duration.ofSeconds(2));
        }
    }

    private void answer(InferenceRequest request) {
        String id = request.getRequestId();
        int tokens = request.getMaxTokens() > 0 ? request.getMaxTokens() : 8;
        if (id.startsWith("mute-")) {
            return;
        }
        if (id.startsWith("fail-")) {
            send(request, terminal(request, 0, FinishReason.FINISH_REASON_ERROR, 0)
                    .setError(ErrorInfo.newBuilder().setCode(ErrorCode.ERROR_CODE_INVALID_REQUEST)
                            .setMessage("the scripted pipeline refuses " + id)).build());
            return;
        }
        if (id.startsWith("dup-")) {
            for (int i = 0; i < Math.min(3, tokens); i++) {
                send(request, token(request, i).build());
            }
        }
        for (int i = 0; i < tokens; i++) {
            if (id.startsWith("slow-")) {
                ServiceProcess.sleep(100);
                if (cancels.contains(id)) {
                    send(request, terminal(request, i, FinishReason.FINISH_REASON_CANCELLED, i).build());
                    return;
                }
            }
            TokenEvent.Builder event = token(request, i);
            if (i == tokens - 1) {
                event.setFinishReason(FinishReason.FINISH_REASON_LENGTH).setUsage(usage(request, tokens));
            }
            send(request, event.build());
        }
        if (id.startsWith("dup-")) {
            send(request, token(request, tokens - 1).setFinishReason(FinishReason.FINISH_REASON_LENGTH)
                    .setUsage(usage(request, tokens)).build());
        }
    }

    private static TokenEvent.Builder token(InferenceRequest request, int index) {
        String text = "w" + index + " ";
        TokenEvent.Builder event = TokenEvent.newBuilder().setSchemaVersion(RecordSchema.CURRENT_VERSION)
                .setRequestId(request.getRequestId()).setIndex(index).setTokenId(100 + index).setText(text)
                .setTokenBytes(ByteString.copyFrom(text, StandardCharsets.UTF_8))
                .setCreatedAtMs(System.currentTimeMillis());
        if (request.getSampling().getLogprobs()) {
            event.setLogprob(-0.5f);
            for (int k = 0; k < request.getSampling().getTopLogprobs(); k++) {
                event.addTopLogprobs(TopLogprob.newBuilder().setTokenId(200 + k).setLogprob(-1f - k)
                        .setTokenBytes(ByteString.copyFrom("alt" + k, StandardCharsets.UTF_8)));
            }
        }
        return event;
    }

    private static TokenEvent.Builder terminal(InferenceRequest request, int index, FinishReason reason, int generated) {
        return TokenEvent.newBuilder().setSchemaVersion(RecordSchema.CURRENT_VERSION)
                .setRequestId(request.getRequestId()).setIndex(index).setFinishReason(reason)
                .setUsage(usage(request, generated)).setCreatedAtMs(System.currentTimeMillis());
    }

    private static Usage usage(InferenceRequest request, int generated) {
        return Usage.newBuilder().setPromptTokens(request.getPromptTokenIdsCount()).setCompletionTokens(generated).build();
    }

    private void send(InferenceRequest request, TokenEvent event) {
        String topic = request.getReplyTopic().isEmpty() ? BatonTopic.REPLIES.topicName() : request.getReplyTopic();
        producer.send(new ProducerRecord<>(topic, request.getReplyPartition(), request.getRequestId(), event));
        producer.flush();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        controls.wakeup();
        try {
            requestThread.join(5000);
            controlThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
    }
}
