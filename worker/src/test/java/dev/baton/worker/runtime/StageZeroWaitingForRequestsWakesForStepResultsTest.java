package dev.baton.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.TokenEvent;
import dev.baton.testing.kafka.KafkaBrokerResource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * While its one step is in flight, stage 0 waits in the request consumer's poll (so that a newly published request is
 * read as soon as the broker hands it over); the step's result must end that wait at once. Were it to wait out the
 * poll's 50 ms instead, 200 tokens of one sequence would take at least 10 s; they take well under a second.
 */
class StageZeroWaitingForRequestsWakesForStepResultsTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();
    private static final int TOKENS = 200;

    @Test
    void aSingleSequenceDecodesWithoutWaitingOutThePoll() {
        Path model = SharedFiles.model("stories260K.gguf");
        try (TestKafka kafka = new TestKafka(BOOTSTRAP);
             InJvmPipeline ignored = InJvmPipeline.start(BOOTSTRAP, model, 2, Map.of())) {
            InferenceRequest request = TestRequests.request(TestRequests.modelName(model), new int[] {1, 403, 407},
                    TOKENS).setIgnoreEos(true).build();
            kafka.send(request);
            List<TokenEvent> events = kafka.awaitReply(request.getRequestId(), Duration.ofSeconds(90));
            assertEquals(TOKENS, events.stream().filter(TokenEvent::hasTokenId).count());
            long decodeMillis = events.getLast().getCreatedAtMs() - events.getFirst().getCreatedAtMs();
            assertTrue(decodeMillis < TOKENS * 50 / 2, TOKENS + " steps took " + decodeMillis + " ms");
        }
    }
}
