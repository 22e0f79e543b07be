package dev.baton.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.Sampling;
import dev.baton.proto.TokenEvent;
import dev.baton.testing.kafka.KafkaBrokerResource;
import dev.baton.worker.stage.RequestParameters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sixteen requests published together run through a 2-stage pipeline as one continuous batch: every one gets exactly
 * the engine's tokens (greedy, seeded, and unseeded with the seed derived from the request id), and the stats show
 * that steps really carried several sequences on both stages.
 */
class ConcurrentRequestsShareTheRunningBatchTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();
    private static final int REQUESTS = 16;
    private static final String[] PROMPTS = {"Once upon a time", "Lily wanted to play", "The sun", "Tom and Sue"};

    @Test
    void sixteenConcurrentRequestsAllMatchTheEngineAndBatch() {
        Path model = SharedFiles.model("stories260K.gguf");
        String name = TestRequests.modelName(model);
        try (EngineReference engine = new EngineReference(model, 2048);
             TestKafka kafka = new TestKafka(BOOTSTRAP);
             InJvmPipeline pipeline = InJvmPipeline.start(BOOTSTRAP, model, 2, Map.of())) {
            List<InferenceRequest> requests = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                Sampling.Builder sampling = Sampling.newBuilder();
                if (i % 4 == 1) {
                    sampling.setTemperature(0.9f).setTopK(20).setSeed(1000 + i);
                } else if (i % 4 == 2) {
                    sampling.setTemperature(0.7f).setTopP(0.95f); // no seed: derived from the request id
                }
                requests.add(TestRequests.request(name, engine.prompt(PROMPTS[i % PROMPTS.length]), 24 + i)
                        .setSampling(sampling).setIgnoreEos(i % 2 == 0).setReplyPartition(i % 4).build());
            }
            kafka.sendAll(requests);

            for (InferenceRequest request : requests) {
                int[] prompt = request.getPromptTokenIdsList().stream().mapToInt(Integer::intValue).toArray();
                SamplingParams params = RequestParameters.sampling(request);
                List<Integer> expected = engine.generate(prompt, params, request.getMaxTokens(),
                        request.getIgnoreEos());
                List<TokenEvent> events = kafka.awaitReply(request.getRequestId(), Duration.ofSeconds(90));
                assertEquals(expected, events.stream().filter(TokenEvent::hasTokenId).map(TokenEvent::getTokenId)
                        .toList(), "tokens of " + request.getRequestId());
            }

            StageRuntime first = pipeline.stage(0);
            assertEquals(REQUESTS, first.stats().completed.get());
            assertTrue(first.stats().maxRunning.get() > 1, "running set: " + first.stats().maxRunning.get());
            for (int k = 0; k < pipeline.size(); k++) {
                int batched = pipeline.stage(k).stats().maxStepSequences.get();
                assertTrue(batched > 1, "stage " + k + " ran at most " + batched + " sequences per step");
                PipelineMatchesEngineTest.awaitKvFree(pipeline.stage(k));
            }
            assertTrue(first.stats().hopLatency.summary().count() > 0, "stage 0 measured its hop to stage 1");
        }
    }
}
