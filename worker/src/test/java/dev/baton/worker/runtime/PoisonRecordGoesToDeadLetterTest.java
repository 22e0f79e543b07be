package dev.baton.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.proto.ErrorCode;
import dev.baton.proto.FinishReason;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.Sampling;
import dev.baton.proto.TokenEvent;
import dev.baton.testing.kafka.KafkaBrokerResource;
import dev.baton.worker.output.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Records stage 0 cannot serve go to baton.requests.dlq with the reason in headers; a client whose request was
 * readable also gets a terminal error event; the pipeline goes on with the next request, and the refused records'
 * offsets are committed.
 */
class PoisonRecordGoesToDeadLetterTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();
    private static final int MAX_CONTEXT = 64;

    @Test
    void badRecordsAreDeadLetteredAndTheNextRequestStillCompletes() {
        Path model = SharedFiles.model("stories260K.gguf");
        String name = TestRequests.modelName(model);
        try (EngineReference engine = new EngineReference(model, MAX_CONTEXT);
             TestKafka kafka = new TestKafka(BOOTSTRAP);
             InJvmPipeline pipeline = InJvmPipeline.start(BOOTSTRAP, model, 2,
                     Map.of("baton.worker.max-context", Integer.toString(MAX_CONTEXT)))) {
            int[] prompt = engine.prompt("Once upon a time");
            List<TestKafka.TopicPartitionOffset> sent = new ArrayList<>();

            byte[] garbage = {0x08};
            sent.add(kafka.sendRaw(("poison-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8), garbage));
            InferenceRequest unknownModel = TestRequests.request("no-such-model", prompt, 8).build();
            InferenceRequest tooLong = TestRequests.request(name, IntStream.range(0, 70).map(i -> 300 + i).toArray(), 8)
                    .build();
            InferenceRequest badSampling = TestRequests.request(name, prompt, 8)
                    .setSampling(Sampling.newBuilder().setTemperature(-1f)).build();
            InferenceRequest unroutable = TestRequests.request(name, prompt, 8).setReplyPartition(99).build();
            InferenceRequest biasOutsideVocabulary = TestRequests.request(name, prompt, 8)
                    .setSampling(Sampling.newBuilder().putLogitBias(engine.tokenizer().vocabulary().size(), -100f)).build();
            InferenceRequest good = TestRequests.request(name, prompt, 20).build();
            for (InferenceRequest r : List.of(unknownModel, tooLong, badSampling, unroutable, biasOutsideVocabulary, good)) {
                sent.add(kafka.send(r));
            }

            List<TokenEvent> goodEvents = kafka.awaitReply(good.getRequestId(), Duration.ofSeconds(60));
            assertEquals(engine.generate(prompt, SamplingParams.greedy(), 20, false),
                    goodEvents.stream().filter(TokenEvent::hasTokenId).map(TokenEvent::getTokenId).toList());

            assertRefused(kafka, unknownModel, ErrorCode.ERROR_CODE_UNKNOWN_MODEL);
            assertRefused(kafka, tooLong, ErrorCode.ERROR_CODE_CONTEXT_LENGTH_EXCEEDED);
            assertRefused(kafka, badSampling, ErrorCode.ERROR_CODE_INVALID_REQUEST);
            assertRefused(kafka, biasOutsideVocabulary, ErrorCode.ERROR_CODE_INVALID_REQUEST);

            Map<String, ConsumerRecord<byte[], byte[]>> letters = awaitDeadLetters(kafka, 6);
            ConsumerRecord<byte[], byte[]> poison = letters.get(offsetKey(sent.get(0)));
            assertArrayEquals(garbage, poison.value(), "the record goes to the DLQ unchanged");
            assertEquals("UNDESERIALIZABLE", header(poison, DeadLetters.ERROR_CODE));
            assertFalse(header(poison, DeadLetters.REASON).isBlank());
            assertEquals("ERROR_CODE_UNKNOWN_MODEL", header(letters.get(offsetKey(sent.get(1))),
                    DeadLetters.ERROR_CODE));
            assertEquals("ERROR_CODE_CONTEXT_LENGTH_EXCEEDED", header(letters.get(offsetKey(sent.get(2))),
                    DeadLetters.ERROR_CODE));
            assertEquals("ERROR_CODE_INVALID_REQUEST", header(letters.get(offsetKey(sent.get(3))),
                    DeadLetters.ERROR_CODE));
            assertTrue(header(letters.get(offsetKey(sent.get(4))), DeadLetters.REASON).contains("reply_partition"));
            assertTrue(kafka.repliesSoFar(unroutable.getRequestId()).isEmpty(), "no reply partition to answer on");
            assertTrue(header(letters.get(offsetKey(sent.get(5))), DeadLetters.REASON).contains("logit bias"));
            assertEquals(6, pipeline.stage(0).stats().deadLettered.get());

            awaitCommittedPast(kafka, pipeline.group(), sent);
        }
    }

    private static void assertRefused(TestKafka kafka, InferenceRequest request, ErrorCode code) {
        List<TokenEvent> events = kafka.awaitReply(request.getRequestId(), Duration.ofSeconds(30));
        assertEquals(1, events.size());
        TokenEvent event = events.getFirst();
        assertEquals(FinishReason.FINISH_REASON_ERROR, event.getFinishReason());
        assertEquals(code, event.getError().getCode());
        assertFalse(event.getError().getMessage().isBlank());
        assertFalse(event.hasTokenId());
    }

    private static Map<String, ConsumerRecord<byte[], byte[]>> awaitDeadLetters(TestKafka kafka, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Map<String, ConsumerRecord<byte[], byte[]>> byOrigin = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : kafka.deadLetters()) {
                byOrigin.put(header(r, DeadLetters.SOURCE_PARTITION) + "@" + header(r, DeadLetters.SOURCE_OFFSET), r);
            }
            if (byOrigin.size() >= count) {
                return byOrigin;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " dead letters, got " + byOrigin.keySet());
            }
            InJvmPipeline.sleep(20);
        }
    }

    private static String offsetKey(TestKafka.TopicPartitionOffset at) {
        return at.partition().partition() + "@" + at.offset();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void awaitCommittedPast(TestKafka kafka, String group, List<TestKafka.TopicPartitionOffset> sent) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Map<org.apache.kafka.common.TopicPartition, Long> committed = kafka.committed(group);
            boolean all = sent.stream().allMatch(s -> committed.getOrDefault(s.partition(), -1L) > s.offset());
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("offsets not committed past " + sent + ": " + committed);
            }
            InJvmPipeline.sleep(50);
        }
    }
}
