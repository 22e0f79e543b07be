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
 * Requests that arrive one at a time while both micro-batches of a 2-stage pipeline are in flight are spread over
 * both steps: no step carries more than its half of the running set, so neither stage idles behind a lopsided step.
 */
class StepsStayBalancedWhenRequestsTrickleInTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();
    private static final int REQUESTS = 8;

    @Test
    void noStepCarriesMoreThanItsShareOfTheRunningSet() {
        Path model = SharedFiles.model("stories260K.gguf");
        String name = TestRequests.modelName(model);
        try (EngineReference engine = new EngineReference(model, 2048);
             TestKafka kafka = new TestKafka(BOOTSTRAP);
             InJvmPipeline pipeline = InJvmPipeline.start(BOOTSTRAP, model, 2, Map.of())) {
            int[] prompt = engine.prompt("Once upon a time");
            List<InferenceRequest> sent = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                InferenceRequest request = TestRequests.request(name, prompt, 150).setIgnoreEos(true).build();
                kafka.send(request);
                sent.add(request);
                if (i < 2) {
                    // the first two start the two micro-batches; the rest arrive while both are in flight
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (kafka.repliesSoFar(request.getRequestId()).isEmpty() && System.nanoTime() < deadline) {
                        InJvmPipeline.sleep(5);
                    }
                }
            }
            List<Integer> expected = engine.generate(prompt, SamplingParams.greedy(), 150, true);
            for (InferenceRequest request : sent) {
                List<TokenEvent> events = kafka.awaitReply(request.getRequestId(), Duration.ofSeconds(90));
                assertEquals(expected, events.stream().filter(TokenEvent::hasTokenId).map(TokenEvent::getTokenId)
                        .toList());
            }
            int running = pipeline.stage(0).stats().maxRunning.get();
            int largestStep = pipeline.stage(1).stats().maxStepSequences.get();
            assertTrue(running > 2, "requests overlapped: " + running);
            assertTrue(largestStep <= Math.ceilDiv(running, 2), "a step carried " + largestStep + " of at most "
                    + running + " running sequences");
        }
    }
}
