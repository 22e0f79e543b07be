package dev.baton.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.engine.tokenizer.StreamingDecoder;
import dev.baton.proto.FinishReason;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.Sampling;
import dev.baton.proto.TokenEvent;
import dev.baton.testing.kafka.KafkaBrokerResource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pipelines of 1, 2 and 3 stages (real Kafka, real gRPC between stages) generate exactly the tokens the engine
 * generates alone, greedy and seeded, for several requests running together. TinyStories-656K has 2 blocks, so it
 * splits into at most 2 stages.
 */
class PipelineMatchesEngineTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();

    static Stream<Arguments> pipelines() {
        return Stream.of(
                Arguments.of("stories260K.gguf", 1, 2048),
                Arguments.of("stories260K.gguf", 2, 2048),
                Arguments.of("stories260K.gguf", 3, 2048),
                Arguments.of("TinyStories-656K-f32.gguf", 1, 512),
                Arguments.of("TinyStories-656K-f32.gguf", 2, 512));
    }

    /** A request and the engine's own parameters for it. */
    private record Case(String prompt, Sampling wire, SamplingParams engine, int maxTokens, boolean ignoreEos) {
    }

    private static final List<Case> CASES = List.of(
            new Case("Once upon a time", Sampling.getDefaultInstance(), SamplingParams.greedy(), 48, false),
            new Case("Lily wanted to play", Sampling.newBuilder().setTemperature(0.8f).setTopP(0.9f).setSeed(42)
                    .build(), new SamplingParams(0.8f, 0, 0.9f, 0f, 1f, 0f, 0f, 64, 42L, -1), 40, false),
            new Case("The sun", Sampling.newBuilder().setTemperature(1.0f).setTopK(40).setSeed(7)
                    .setRepetitionPenalty(1.1f).setTopLogprobs(3).build(),
                    new SamplingParams(1.0f, 40, 1f, 0f, 1.1f, 0f, 0f, 64, 7L, 3), 64, true),
            new Case("Tom and Sue", Sampling.newBuilder().setTemperature(0.6f).setMinP(0.05f).setSeed(1234567)
                    .build(), new SamplingParams(0.6f, 0, 1f, 0.05f, 1f, 0f, 0f, 64, 1234567L, -1), 30, false));

    @ParameterizedTest(name = "{0} in {1} stages")
    @MethodSource("pipelines")
    void tokensEqualTheEngineAlone(String file, int stages, int maxContext) {
        Path model = SharedFiles.model(file);
        try (EngineReference engine = new EngineReference(model, maxContext);
             TestKafka kafka = new TestKafka(BOOTSTRAP);
             InJvmPipeline pipeline = InJvmPipeline.start(BOOTSTRAP, model, stages, Map.of())) {
            List<InferenceRequest> sent = new ArrayList<>();
            for (Case c : CASES) {
                InferenceRequest request = TestRequests.request(TestRequests.modelName(model),
                        engine.prompt(c.prompt()), c.maxTokens()).setSampling(c.wire()).setIgnoreEos(c.ignoreEos())
                        .setReplyPartition(sent.size() % 4).build();
                kafka.send(request);
                sent.add(request);
            }
            for (int i = 0; i < CASES.size(); i++) {
                Case c = CASES.get(i);
                InferenceRequest request = sent.get(i);
                int[] prompt = request.getPromptTokenIdsList().stream().mapToInt(Integer::intValue).toArray();
                List<Integer> expected = engine.generate(prompt, c.engine(), c.maxTokens(), c.ignoreEos());
                List<TokenEvent> events = kafka.awaitReply(request.getRequestId(), Duration.ofSeconds(60));
                List<Integer> tokens = events.stream().filter(TokenEvent::hasTokenId).map(TokenEvent::getTokenId)
                        .toList();
                assertEquals(expected, tokens, "tokens of '" + c.prompt() + "' through " + stages + " stages");
                assertEventsAreConsistent(engine, prompt, events, c);
            }
            assertEquals(CASES.size(), pipeline.stage(0).stats().admitted.get());
            for (int k = 0; k < stages; k++) {
                StageRuntime stage = pipeline.stage(k);
                awaitKvFree(stage);
            }
        }
    }

    private static void assertEventsAreConsistent(EngineReference engine, int[] prompt, List<TokenEvent> events,
                                                  Case c) {
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i, events.get(i).getIndex(), "event indices run 0, 1, 2, ...");
        }
        TokenEvent last = events.getLast();
        List<Integer> ids = events.stream().filter(TokenEvent::hasTokenId).map(TokenEvent::getTokenId).toList();
        FinishReason expectedFinish = ids.size() == c.maxTokens() ? FinishReason.FINISH_REASON_LENGTH
                : FinishReason.FINISH_REASON_STOP;
        assertEquals(expectedFinish, last.getFinishReason());
        assertEquals(ids.size(), last.getUsage().getCompletionTokens());
        assertEquals(prompt.length, last.getUsage().getPromptTokens());
        StreamingDecoder decoder = engine.tokenizer().streamingDecoder(prompt[prompt.length - 1]);
        StringBuilder expectedText = new StringBuilder();
        ids.forEach(id -> expectedText.append(decoder.feed(id)));
        expectedText.append(decoder.flush());
        StringBuilder text = new StringBuilder();
        events.forEach(e -> text.append(e.getText()));
        assertEquals(expectedText.toString(), text.toString());
        assertFalse(text.isEmpty());
        if (c.engine().topLogprobs() > 0) {
            for (TokenEvent e : events) {
                if (e.hasTokenId()) {
                    assertTrue(e.hasLogprob());
                    assertEquals(c.engine().topLogprobs(), e.getTopLogprobsCount());
                }
            }
        }
    }

    static void awaitKvFree(StageRuntime stage) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (stage.stats().kvSequences.get() != 0 || stage.stats().kvBytesInUse.get() != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stage " + stage.slice().stageIndex() + " still holds "
                        + stage.stats().kvSequences.get() + " sequences, " + stage.stats().kvBytesInUse.get()
                        + " KV bytes");
            }
            InJvmPipeline.sleep(10);
        }
    }
}
