package dev.baton.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.RecordSchema;
import dev.baton.proto.ReplayInfo;
import dev.baton.proto.ReplayMode;
import dev.baton.testing.kafka.KafkaBrokerResource;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Whatever is wrong, replay says what in one line and exits with a status; never a stack trace. */
class BadInputGetsAClearErrorTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();

    private static void assertRefused(ReplayRun run, String because) {
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains(because), run.toString());
        assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), "no stack trace: " + run);
    }

    @Test
    void anUnreachableBrokerIsNamed() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        assertRefused(ReplayRun.of("--bootstrap", "127.0.0.1:" + closedPort, "--since", "1h"),
                "Kafka at 127.0.0.1:" + closedPort + " did not answer");
    }

    @Test
    void anUnknownTopicOrPartitionIsNamed() {
        assertRefused(ReplayRun.of("--bootstrap", BOOTSTRAP, "--since", "1h", "--topic", "no-such-log"),
                "topic no-such-log does not exist");
        assertRefused(ReplayRun.of("--bootstrap", BOOTSTRAP, "--offsets", "99:0-10"),
                "--offsets names partition 99, but baton.requests has 8 partitions");
    }

    @Test
    void anEmptyRangeIsAUsageError() {
        assertRefused(ReplayRun.of("--bootstrap", BOOTSTRAP, "--offsets", "0:10-3"), "is empty");
    }

    @Test
    void recordsThatAreNotRequestsAreCountedAndSkipped() throws Exception {
        String log = "replay-test-bad-" + UUID.randomUUID();
        ReplayThroughAPipelineTest.createTopic(log);
        InferenceRequest replayed = InferenceRequest.newBuilder().setSchemaVersion(RecordSchema.CURRENT_VERSION)
                .setRequestId("replay-x-y").setReplay(ReplayInfo.newBuilder().setReplayId("x")
                        .setOriginalRequestId("y").setMode(ReplayMode.REPLAY_MODE_VERIFY)).build();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", BOOTSTRAP),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(log, "k".getBytes(), new byte[] {(byte) 0xff, 0x01, 0x02})).get();
            producer.send(new ProducerRecord<>(log, "k".getBytes(), null)).get();
            producer.send(new ProducerRecord<>(log, "k".getBytes(), replayed.toByteArray())).get();
        }

        ReplayRun run = ReplayRun.of("--bootstrap", BOOTSTRAP, "--topic", log, "--offsets", "0:0-", "--json");

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("no requests logged in the range"), run.toString());
        JsonNode summary = run.summary();
        assertEquals(0, summary.get("requests").asInt());
        assertEquals(2, summary.get("undeserializable").asInt(), run.toString());
        assertEquals(1, summary.get("replays_skipped").asInt(), run.toString());
    }
}
