package dev.baton.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.Sampling;
import dev.baton.proto.TokenEvent;
import dev.baton.testing.kafka.KafkaBrokerResource;
import dev.baton.worker.stage.RequestParameters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * When the last stage goes away in the middle of generation and comes back, stage 0 re-admits its running sequences
 * with the tokens generated so far and re-prefills them: each client stream continues with exactly the engine's
 * tokens, and any index the new stage publishes again carries the same token.
 */
class LosingAStageRebuildsRunningSequencesTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();

    @Test
    void runningRequestsContinueCorrectlyAfterTheLastStageRestarts() {
        Path model = SharedFiles.model("stories260K.gguf");
        String name = TestRequests.modelName(model);
        try (EngineReference engine = new EngineReference(model, 2048);
             TestKafka kafka = new TestKafka(BOOTSTRAP);
             InJvmPipeline pipeline = InJvmPipeline.start(BOOTSTRAP, model, 2, Map.of())) {
            List<InferenceRequest> requests = List.of(
                    TestRequests.request(name, engine.prompt("Once upon a time"), 120).setIgnoreEos(true).build(),
                    TestRequests.request(name, engine.prompt("Tom and Sue"), 100).setIgnoreEos(true)
                            .setSampling(Sampling.newBuilder().setTemperature(0.8f).setTopK(30).setSeed(99))
                            .build());
            kafka.sendAll(requests);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (requests.stream().anyMatch(r -> kafka.repliesSoFar(r.getRequestId()).size() < 5)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the requests produced no tokens");
                }
                InJvmPipeline.sleep(5);
            }

            pipeline.restartStage(1);

            for (InferenceRequest request : requests) {
                int[] prompt = request.getPromptTokenIdsList().stream().mapToInt(Integer::intValue).toArray();
                List<TokenEvent> events = kafka.awaitReply(request.getRequestId(), Duration.ofSeconds(90));
                assertEquals(engine.generate(prompt, RequestParameters.sampling(request), request.getMaxTokens(),
                        true), events.stream().filter(TokenEvent::hasTokenId).map(TokenEvent::getTokenId).toList());
                Map<Integer, Integer> tokenAt = new HashMap<>();
                for (TokenEvent e : kafka.repliesSoFar(request.getRequestId())) {
                    Integer earlier = tokenAt.putIfAbsent(e.getIndex(), e.getTokenId());
                    assertTrue(earlier == null || earlier == e.getTokenId(), "index " + e.getIndex() + " was "
                            + earlier + ", then " + e.getTokenId());
                }
            }
            assertTrue(pipeline.stage(0).stats().rebuilt.get() >= 1, "stage 0 rebuilt its sequences");
            for (int k = 0; k < pipeline.size(); k++) {
                PipelineMatchesEngineTest.awaitKvFree(pipeline.stage(k));
            }
        }
    }
}
