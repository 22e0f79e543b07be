package dev.baton.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.engine.SharedFiles;
import dev.baton.kafka.BatonTopic;
import dev.baton.proto.FinishReason;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.Sampling;
import dev.baton.proto.TokenEvent;
import dev.baton.testing.kafka.KafkaBrokerResource;
import dev.baton.worker.runtime.EngineReference;
import dev.baton.worker.runtime.InJvmPipeline;
import dev.baton.worker.runtime.TestKafka;
import dev.baton.worker.runtime.TestRequests;
import dev.baton.worker.stage.RequestParameters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bin/baton replay against a real broker and a real 2-stage pipeline on stories260K in this JVM: requests answered by
 * the pipeline replay identically (greedy, seeded, and with the seed derived from the id); a recorded answer doctored
 * at one index is reported diverged there; a request an outage left unanswered is resumed onto its own reply
 * partition under its own id.
 */
class ReplayThroughAPipelineTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();
    private static final Path MODEL = SharedFiles.model("stories260K.gguf");
    private static final String MODEL_NAME = TestRequests.modelName(MODEL);

    private static EngineReference engine;
    private static TestKafka kafka;
    private static InJvmPipeline pipeline;
    /** Published before the pipeline started, so it never read it: an outage leftover. */
    private static InferenceRequest leftover;
    private static TestKafka.TopicPartitionOffset leftoverAt;
    /** Answered by the pipeline. */
    private static final List<InferenceRequest> answered = new ArrayList<>();
    private static final List<TestKafka.TopicPartitionOffset> answeredAt = new ArrayList<>();

    @BeforeAll
    static void answerSomeRequests() {
        engine = new EngineReference(MODEL, 2048);
        kafka = new TestKafka(BOOTSTRAP);
        leftover = request("Lily wanted to play", Sampling.newBuilder().setTemperature(0.8f).setTopK(40).build(), 32)
                .setReplyPartition(2).build();
        leftoverAt = kafka.send(leftover);
        pipeline = InJvmPipeline.start(BOOTSTRAP, MODEL, 2, Map.of());
        answered.add(request("Once upon a time", Sampling.getDefaultInstance(), 40).setReplyPartition(1).build());
        answered.add(request("The sun", Sampling.newBuilder().setTemperature(0.8f).setTopP(0.9f).setSeed(42).build(), 40)
                .setReplyPartition(0).build());
        // no seed: the pipeline derives it from the request id, and the copy must draw with the same one
        answered.add(request("Tom and Sue", Sampling.newBuilder().setTemperature(1.0f).build(), 40)
                .setReplyPartition(3).build());
        for (InferenceRequest request : answered) {
            answeredAt.add(kafka.send(request));
        }
        for (InferenceRequest request : answered) {
            kafka.awaitReply(request.getRequestId(), Duration.ofSeconds(60));
        }
    }

    @AfterAll
    static void stop() {
        pipeline.close();
        kafka.close();
        engine.close();
    }

    @Test
    void answersOfAnUnchangedPipelineReplayIdentically() {
        ReplayRun run = ReplayRun.of("--bootstrap", BOOTSTRAP, "--pipeline-group", pipeline.group(), "--offsets", offsets(answeredAt), "--json",
                "--concurrency", "2");

        assertEquals(0, run.exitCode(), run.toString());
        List<JsonNode> lines = run.requests();
        assertEquals(answered.size(), lines.size(), run.toString());
        int tokens = 0;
        for (InferenceRequest request : answered) {
            JsonNode line = lines.stream().filter(l -> l.get("request_id").asText().equals(request.getRequestId()))
                    .findFirst().orElseThrow(() -> new AssertionError(request.getRequestId() + " missing: " + run));
            assertEquals("identical", line.get("status").asText(), run.toString());
            assertTrue(line.get("replay_request_id").asText().startsWith("replay-"));
            assertTrue(line.get("replay_request_id").asText().endsWith("-" + request.getRequestId()));
            int expected = engineTokens(request).size();
            assertEquals(expected, line.get("tokens_compared").asInt(), run.toString());
            tokens += expected;
        }
        JsonNode summary = run.summary();
        assertEquals("verify", summary.get("mode").asText());
        assertEquals(answered.size(), summary.get("requests").asInt());
        assertEquals(answered.size(), summary.get("identical").asInt());
        assertEquals(0, summary.get("diverged").asInt());
        assertEquals(tokens, summary.get("tokens_compared").asLong());
    }

    @Test
    void aRecordedAnswerWithAnotherTokenDivergesAtThatIndex() throws Exception {
        InferenceRequest greedy = answered.getFirst();
        List<TokenEvent> real = kafka.awaitReply(greedy.getRequestId(), Duration.ofSeconds(5));
        int k = 5;
        int realToken = real.get(k).getTokenId();
        int doctoredToken = realToken == 1 ? 2 : realToken - 1;
        // the same request under another id, logged in a topic of its own with a recorded answer changed at k
        InferenceRequest logged = greedy.toBuilder().setRequestId("doctored-" + UUID.randomUUID()).build();
        String log = "replay-test-log-" + UUID.randomUUID();
        createTopic(log);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(log, key(logged), logged.toByteArray())).get();
            for (TokenEvent event : real) {
                TokenEvent.Builder recorded = event.toBuilder().setRequestId(logged.getRequestId());
                if (event.getIndex() == k) {
                    recorded.setTokenId(doctoredToken);
                }
                producer.send(new ProducerRecord<>(BatonTopic.REPLIES.topicName(), logged.getReplyPartition(),
                        key(logged), recorded.build().toByteArray())).get();
            }
        }

        ReplayRun run = ReplayRun.of("--bootstrap", BOOTSTRAP, "--pipeline-group", pipeline.group(), "--topic", log, "--offsets", "0:0-", "--json");

        assertEquals(1, run.exitCode(), run.toString());
        JsonNode line = run.requests().getFirst();
        assertEquals("diverged", line.get("status").asText(), run.toString());
        assertEquals(k, line.get("index").asInt());
        assertEquals(doctoredToken, line.get("expected").get("token_id").asInt());
        assertEquals(realToken, line.get("got").get("token_id").asInt());
        assertEquals(k, line.get("tokens_compared").asInt());
        assertEquals(1, run.summary().get("diverged").asInt());

        ReplayRun text = ReplayRun.of("--bootstrap", BOOTSTRAP, "--pipeline-group", pipeline.group(), "--topic", log, "--offsets", "0:0-");
        assertTrue(text.out().startsWith("diverged at " + k + " "), text.toString());
        assertTrue(text.out().contains("expected token " + doctoredToken), text.toString());
        // compare reports the same difference as a finding, not a failure
        ReplayRun compare = ReplayRun.of("--bootstrap", BOOTSTRAP, "--pipeline-group", pipeline.group(), "--topic", log,
                "--offsets", "0:0-", "--mode", "compare", "--json");
        assertEquals(0, compare.exitCode(), compare.toString());
        assertEquals(k, compare.requests().getFirst().get("index").asInt(), compare.toString());
        assertEquals("compare", compare.summary().get("mode").asText());
        assertEquals(1, compare.summary().get("diverged").asInt());
    }

    @Test
    void comparingWithAModelNoPipelineServesFailsEachRequest() {
        ReplayRun run = ReplayRun.of("--bootstrap", BOOTSTRAP, "--pipeline-group", pipeline.group(), "--mode", "compare",
                "--model", "no-such-model", "--offsets", offsets(answeredAt.subList(0, 1)), "--json");

        assertEquals(1, run.exitCode(), run.toString());
        JsonNode line = run.requests().getFirst();
        assertEquals("replay_failed", line.get("status").asText(), run.toString());
        assertEquals("UNKNOWN_MODEL", line.get("got").get("error").asText(), run.toString());
    }

    @Test
    void anUnansweredRequestIsResumedOntoItsOwnReplyPartition() {
        ReplayRun run = ReplayRun.of("--bootstrap", BOOTSTRAP, "--pipeline-group", pipeline.group(), "--mode", "resume", "--json", "--offsets",
                offsets(List.of(leftoverAt, answeredAt.getFirst())));

        assertEquals(0, run.exitCode(), run.toString());
        List<JsonNode> lines = run.requests();
        assertEquals(1, lines.size(), "only the unanswered one is resumed: " + run);
        assertEquals(leftover.getRequestId(), lines.getFirst().get("request_id").asText());
        assertEquals("resumed", lines.getFirst().get("status").asText(), run.toString());
        assertEquals(1, run.summary().get("already_finished").asInt(), run.toString());

        List<TokenEvent> events = eventsOn(new TopicPartition(BatonTopic.REPLIES.topicName(), 2), leftover.getRequestId());
        assertFalse(events.isEmpty(), "the resumed answer is on the request's own reply partition");
        assertTrue(events.getLast().getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED);
        List<Integer> tokens = events.stream().filter(TokenEvent::hasTokenId).map(TokenEvent::getTokenId).toList();
        assertEquals(engineTokens(leftover), tokens);
        assertEquals(lines.getFirst().get("tokens").asInt(), tokens.size());
    }

    @Test
    void withoutAPipelineNothingIsPublished() {
        ReplayRun run = ReplayRun.of("--bootstrap", BOOTSTRAP, "--pipeline-group", "nobody-" + UUID.randomUUID(),
                "--offsets", offsets(answeredAt));
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("no pipeline is running"), run.toString());
    }

    @Test
    void aReplayedRecordIsNotReplayedAgain() {
        ReplayRun first = ReplayRun.of("--bootstrap", BOOTSTRAP, "--pipeline-group", pipeline.group(), "--offsets", offsets(answeredAt.subList(0, 1)));
        assertEquals(0, first.exitCode(), first.toString());
        // the copy is in baton.requests now, among the requests it was made from
        ReplayRun again = ReplayRun.of("--bootstrap", BOOTSTRAP, "--pipeline-group", pipeline.group(), "--since", "10m", "--json");
        assertTrue(again.summary().get("replays_skipped").asInt() >= 1, again.toString());
        assertTrue(again.requests().stream().noneMatch(l -> l.get("request_id").asText().startsWith("replay-")),
                again.toString());
    }

    private static InferenceRequest.Builder request(String prompt, Sampling sampling, int maxTokens) {
        return TestRequests.request(MODEL_NAME, engine.prompt(prompt), maxTokens).setSampling(sampling);
    }

    private static List<Integer> engineTokens(InferenceRequest request) {
        int[] prompt = request.getPromptTokenIdsList().stream().mapToInt(Integer::intValue).toArray();
        return engine.generate(prompt, RequestParameters.sampling(request), request.getMaxTokens(),
                request.getIgnoreEos());
    }

    private static String offsets(List<TestKafka.TopicPartitionOffset> at) {
        return String.join(",", at.stream().map(o -> o.partition().partition() + ":" + o.offset() + "-"
                + (o.offset() + 1)).toList());
    }

    private static byte[] key(InferenceRequest request) {
        return request.getRequestId().getBytes(StandardCharsets.UTF_8);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of("bootstrap.servers", BOOTSTRAP, "acks", "all"), new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    static void createTopic(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", BOOTSTRAP))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        }
    }

    /** The request's events on one partition, deduplicated by index, from the partition's start. */
    private static List<TokenEvent> eventsOn(TopicPartition partition, String requestId) {
        TreeMap<Integer, TokenEvent> events = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", BOOTSTRAP),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TokenEvent event = RecordedAnswers.parse(record.value());
                    if (event != null && event.getRequestId().equals(requestId)) {
                        events.putIfAbsent(event.getIndex(), event);
                    }
                }
            }
        }
        return new ArrayList<>(events.values());
    }
}
