package dev.baton.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.TokenEvent;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * An answer an outage cut off after a few tokens: its request logged (here in a topic of its own, as a mirror of the
 * log would hold it) and only its first events delivered. {@code bin/baton replay --mode resume} re-publishes it under
 * its own id; the gateway's GET /v1/requests/{id} then reads the whole answer, the delivered tokens not doubled.
 */
class ResumeCompletesACutOffAnswerIT {
    private static final int DELIVERED = 3;
    private final BatonSystem system = BatonSystem.get();
    private final String gateway = system.gatewayUrl(0);

    @Test
    void resumedAnswerReadsBackWhole() throws Exception {
        HttpResponse<String> answered = Clients.post(gateway, "/v1/completions", "{\"model\":\"" + system.modelName
                + "\",\"prompt\":\"The little cat\",\"max_tokens\":24,\"temperature\":0}");
        assertEquals(200, answered.statusCode(), answered.body());
        JsonNode original = Clients.json(answered);
        String originalId = original.get("id").asText();

        // the same request under a new id, cut off after its first events
        InferenceRequest logged = requestRecord(originalId).toBuilder().setRequestId("resume-" + UUID.randomUUID())
                .build();
        TopicPartition replies = new TopicPartition("baton.replies", logged.getReplyPartition());
        List<TokenEvent> delivered = events(replies, originalId).subList(0, DELIVERED);
        String mirror = "resume-mirror-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", system.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(mirror, 1, (short) 1))).all().get();
        }
        byte[] key = logged.getRequestId().getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                system.bootstrapServers(), "acks", "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(mirror, key, logged.toByteArray())).get();
            for (TokenEvent event : delivered) {
                producer.send(new ProducerRecord<>(replies.topic(), replies.partition(), key,
                        event.toBuilder().setRequestId(logged.getRequestId()).build().toByteArray())).get();
            }
        }

        BatonCommand.Result run = system.baton.run(120, "replay", "--bootstrap", system.bootstrapServers(),
                "--topic", mirror, "--offsets", "0:0-", "--mode", "resume", "--json");

        assertEquals(0, run.exitCode(), run.output());
        JsonNode line = Clients.JSON.readTree(run.output().lines().filter(l -> l.contains("\"type\":\"request\""))
                .findFirst().orElseThrow(() -> new AssertionError(run.output())));
        assertEquals("resumed", line.get("status").asText(), run.output());
        assertEquals(DELIVERED, line.get("tokens_compared").asInt(), run.output());
        JsonNode status = Clients.json(Clients.get(gateway, "/v1/requests/" + logged.getRequestId()));
        assertEquals("completed", status.get("status").asText(), status.toString());
        JsonNode result = status.get("result");
        assertEquals(original.get("choices").get(0).get("text").asText(),
                result.get("choices").get(0).get("text").asText());
        assertEquals(original.get("usage").get("completion_tokens").asInt(),
                result.get("usage").get("completion_tokens").asInt());
    }

    private InferenceRequest requestRecord(String id) throws Exception {
        for (ConsumerRecord<byte[], byte[]> record : readAll("baton.requests", 8)) {
            if (id.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                return InferenceRequest.parseFrom(record.value());
            }
        }
        throw new AssertionError("request " + id + " is not in baton.requests");
    }

    private List<TokenEvent> events(TopicPartition partition, String id) throws Exception {
        List<TokenEvent> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : readAll(partition.topic(), 4)) {
            if (record.partition() == partition.partition()
                    && id.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                events.add(TokenEvent.parseFrom(record.value()));
            }
        }
        return events;
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int partitions) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                system.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                all.add(new TopicPartition(topic, p));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> ends = consumer.endOffsets(all);
            while (all.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
