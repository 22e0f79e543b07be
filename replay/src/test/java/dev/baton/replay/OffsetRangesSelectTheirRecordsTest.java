package dev.baton.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.kafka.BatonTopic;
import dev.baton.proto.FinishReason;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.RecordSchema;
import dev.baton.proto.TokenEvent;
import dev.baton.testing.kafka.KafkaBrokerResource;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Several offset ranges of one partition select exactly their records, and --limit keeps the earliest. The requests
 * here all have a recorded terminal event, so resume finds nothing to do and needs no pipeline.
 */
class OffsetRangesSelectTheirRecordsTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();

    @Test
    void rangesOfOnePartitionSelectExactlyTheirOffsets() throws Exception {
        String log = "replay-test-ranges-" + UUID.randomUUID();
        ReplayThroughAPipelineTest.createTopic(log);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", BOOTSTRAP),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int offset = 0; offset < 8; offset++) {
                String id = "ranges-" + UUID.randomUUID();
                byte[] key = id.getBytes(StandardCharsets.UTF_8);
                InferenceRequest request = InferenceRequest.newBuilder().setSchemaVersion(RecordSchema.CURRENT_VERSION)
                        .setRequestId(id).setModel("m").addPromptTokenIds(1).setReplyPartition(offset % 4)
                        .setCreatedAtMs(System.currentTimeMillis()).build();
                TokenEvent end = TokenEvent.newBuilder().setSchemaVersion(RecordSchema.CURRENT_VERSION).setRequestId(id)
                        .setIndex(0).setTokenId(5).setFinishReason(FinishReason.FINISH_REASON_LENGTH).build();
                producer.send(new ProducerRecord<>(log, key, request.toByteArray())).get();
                producer.send(new ProducerRecord<>(BatonTopic.REPLIES.topicName(), offset % 4, key, end.toByteArray()))
                        .get();
            }
        }

        JsonNode ranges = ReplayRun.of("--bootstrap", BOOTSTRAP, "--topic", log, "--mode", "resume", "--json",
                "--offsets", "0:1-2,0:3-5,0:7-").summary();
        assertEquals(4, ranges.get("requests").asInt(), ranges.toString());
        assertEquals(4, ranges.get("already_finished").asInt(), ranges.toString());

        JsonNode limited = ReplayRun.of("--bootstrap", BOOTSTRAP, "--topic", log, "--mode", "resume", "--json",
                "--offsets", "0:0-", "--limit", "3").summary();
        assertEquals(3, limited.get("requests").asInt(), limited.toString());
        assertEquals(true, limited.get("limit_reached").asBoolean(), limited.toString());
    }
}
