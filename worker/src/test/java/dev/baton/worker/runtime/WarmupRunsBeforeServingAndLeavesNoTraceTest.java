package dev.baton.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.Sampling;
import dev.baton.proto.TokenEvent;
import dev.baton.testing.kafka.KafkaBrokerResource;
import dev.baton.worker.stage.StageWarmup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * With the warm-up on, every stage of a 3-stage pipeline runs its throwaway steps before it reports ready, frees
 * their KV memory, counts none of them as served steps, and the pipeline still generates exactly the engine's tokens,
 * greedy and seeded (the warm-up leaves nothing behind that a real sequence could see). While it runs the stage is
 * not ready, and a shutdown stops it after the step under way.
 */
class WarmupRunsBeforeServingAndLeavesNoTraceTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();
    private static final int WARMUP_STEPS = 40;

    @Test
    void warmedUpStagesLeaveNoSequencesAndGenerateWhatTheEngineGenerates() {
        Path model = SharedFiles.model("stories260K.gguf");
        Map<String, String> warm = Map.of(
                "baton.worker.warmup.enabled", "true",
                "baton.worker.warmup.steps", Integer.toString(WARMUP_STEPS),
                "baton.worker.warmup.time", "60s",
                "baton.worker.max-batch", "6",
                "baton.worker.prefill-chunk", "16");
        try (EngineReference engine = new EngineReference(model, 2048);
             TestKafka kafka = new TestKafka(BOOTSTRAP);
             InJvmPipeline pipeline = InJvmPipeline.start(BOOTSTRAP, model, 3, warm)) {
            for (int k = 0; k < 3; k++) {
                StageRuntime stage = pipeline.stage(k);
                StageWarmup.Report report = stage.warmupReport().orElseThrow(() -> new AssertionError(
                        "stage reported ready without a warm-up report"));
                assertEquals(WARMUP_STEPS, report.steps(), "the step budget ends the warm-up: " + report);
                assertFalse(report.stopped());
                assertTrue(report.pagedInBytes() > 0, "its weights were paged in: " + report);
                assertEquals(List.of("prefill 16", "decode ×1", "decode ×3", "decode ×6"), report.shapes());
                assertEquals(0, stage.slice().stage().cache().sequenceCount(), "no throwaway sequence is left");
                assertEquals(0, stage.slice().stage().cache().usedBytes());
                assertEquals(0, stage.stats().steps.get(), "warm-up steps are not served steps");
            }

            List<Case> cases = List.of(
                    new Case("Once upon a time", Sampling.getDefaultInstance(), SamplingParams.greedy(), 40),
                    new Case("Lily wanted to play", Sampling.newBuilder().setTemperature(0.8f).setTopP(0.9f)
                            .setSeed(42).build(), new SamplingParams(0.8f, 0, 0.9f, 0f, 1f, 0f, 0f, 64, 42L, -1), 32));
            for (Case c : cases) {
                int[] prompt = engine.prompt(c.prompt());
                InferenceRequest request = TestRequests.request(TestRequests.modelName(model), prompt, c.maxTokens())
                        .setSampling(c.wire()).build();
                kafka.send(request);
                List<Integer> tokens = kafka.awaitReply(request.getRequestId(), Duration.ofSeconds(60)).stream()
                        .filter(TokenEvent::hasTokenId).map(TokenEvent::getTokenId).toList();
                assertEquals(engine.generate(prompt, c.engine(), c.maxTokens(), false), tokens,
                        "tokens of '" + c.prompt() + "' after the warm-up");
            }
            for (int k = 0; k < 3; k++) {
                PipelineMatchesEngineTest.awaitKvFree(pipeline.stage(k));
            }
        }
    }

    @Test
    void notReadyWhileWarmingUpAndAShutdownStopsTheWarmup() {
        Path model = SharedFiles.model("stories260K.gguf");
        StageRuntime stage = StageRuntime.start(WorkerConfigs.of(Map.of(
                "baton.worker.model", model.toString(),
                "baton.worker.threads", "1",
                "baton.worker.consumer-group", "warmup-test-" + UUID.randomUUID(),
                "baton.worker.warmup.steps", "100000000",
                "baton.worker.warmup.time", "10m")), BOOTSTRAP);
        long aSecondIn = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < aSecondIn) { // the warm-up cannot end by itself within this test
            assertEquals("warming up", stage.readinessProblem());
            assertFalse(stage.ready());
            sleep();
        }
        long closing = System.nanoTime();
        stage.close();
        assertTrue(System.nanoTime() - closing < Duration.ofSeconds(20).toNanos(), "close waits for one step, not"
                + " for the warm-up's budget");
        StageWarmup.Report report = stage.warmupReport().orElseThrow();
        assertTrue(report.stopped(), "the shutdown stopped the warm-up: " + report);
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private record Case(String prompt, Sampling wire, SamplingParams engine, int maxTokens) {
    }
}
