package dev.baton.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.proto.FinishReason;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.TokenEvent;
import dev.baton.testing.kafka.KafkaBrokerResource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A cancel on baton.control stops a running request: the client gets a CANCELLED terminal event, every stage frees
 * the sequence's KV memory, the request counts as done, and the pipeline serves the next request.
 */
class CancelFreesKvCacheOnEveryStageTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();

    @Test
    void cancelEndsTheRequestAndFreesItsCacheOnBothStages() {
        Path model = SharedFiles.model("stories260K.gguf");
        String name = TestRequests.modelName(model);
        try (EngineReference engine = new EngineReference(model, 2048);
             TestKafka kafka = new TestKafka(BOOTSTRAP);
             InJvmPipeline pipeline = InJvmPipeline.start(BOOTSTRAP, model, 2, Map.of())) {
            int[] prompt = engine.prompt("Once upon a time");
            // runs to the end of the context unless cancelled: thousands of tokens
            InferenceRequest endless = TestRequests.request(name, prompt, 0).setIgnoreEos(true).build();
            kafka.send(endless);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (kafka.repliesSoFar(endless.getRequestId()).size() < 3) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the request produced no tokens");
                }
                InJvmPipeline.sleep(5);
            }
            assertEquals(1, pipeline.stage(1).stats().kvSequences.get(), "stage 1 holds the sequence");

            kafka.cancel(endless.getRequestId());

            List<TokenEvent> events = kafka.awaitReply(endless.getRequestId(), Duration.ofSeconds(30));
            TokenEvent last = events.getLast();
            assertEquals(FinishReason.FINISH_REASON_CANCELLED, last.getFinishReason());
            assertFalse(last.hasTokenId());
            for (int k = 0; k < pipeline.size(); k++) {
                PipelineMatchesEngineTest.awaitKvFree(pipeline.stage(k));
            }
            assertEquals(1, pipeline.stage(1).stats().cancelled.get());
            // stage 0 completes the request when the last stage reports its terminal event acknowledged
            long completeBy = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (pipeline.stage(0).stats().running.get() != 0 && System.nanoTime() < completeBy) {
                InJvmPipeline.sleep(10);
            }
            assertEquals(0, pipeline.stage(0).stats().running.get());

            InferenceRequest next = TestRequests.request(name, prompt, 12).build();
            kafka.send(next);
            List<TokenEvent> nextEvents = kafka.awaitReply(next.getRequestId(), Duration.ofSeconds(30));
            assertEquals(engine.generate(prompt, SamplingParams.greedy(), 12, false),
                    nextEvents.stream().filter(TokenEvent::hasTokenId).map(TokenEvent::getTokenId).toList());
        }
    }
}
