package dev.baton.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.TokenEvent;
import dev.baton.testing.kafka.KafkaBrokerResource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Backpressure: more requests than the running set holds are not dropped and not buffered without bound. Stage 0
 * runs at most max-batch at once, pauses its partitions while full (what it read but cannot admit stays within one
 * poll), admits the rest as earlier ones finish, and every request completes with the engine's tokens.
 */
class RequestsBeyondCapacityWaitInTheLogTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();
    private static final int MAX_BATCH = 2;
    private static final int REQUESTS = 7;

    @Test
    void aFullRunningSetPausesIntakeAndEveryRequestStillCompletes() {
        Path model = SharedFiles.model("stories260K.gguf");
        String name = TestRequests.modelName(model);
        try (EngineReference engine = new EngineReference(model, 2048);
             TestKafka kafka = new TestKafka(BOOTSTRAP);
             InJvmPipeline pipeline = InJvmPipeline.start(BOOTSTRAP, model, 2,
                     Map.of("baton.worker.max-batch", Integer.toString(MAX_BATCH)))) {
            int[] prompt = engine.prompt("Lily wanted to play");
            List<InferenceRequest> requests = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                requests.add(TestRequests.request(name, prompt, 30 + i).setIgnoreEos(true).build());
            }
            long pausesBefore = pipeline.stage(0).stats().pauses.get();
            kafka.sendAll(requests);

            for (InferenceRequest request : requests) {
                List<TokenEvent> events = kafka.awaitReply(request.getRequestId(), Duration.ofSeconds(90));
                assertEquals(engine.generate(prompt, SamplingParams.greedy(), request.getMaxTokens(), true),
                        events.stream().filter(TokenEvent::hasTokenId).map(TokenEvent::getTokenId).toList());
            }
            var stats = pipeline.stage(0).stats();
            assertEquals(MAX_BATCH, stats.maxRunning.get(), "the running set filled up to max-batch and no further");
            assertTrue(stats.pauses.get() > pausesBefore, "stage 0 paused its partitions while full");
            assertTrue(stats.maxBacklog.get() <= MAX_BATCH, "read ahead " + stats.maxBacklog.get()
                    + " requests: more than one poll");
            assertEquals(REQUESTS, stats.completed.get());
        }
    }
}
