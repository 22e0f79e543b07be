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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A pipeline shut down in the middle of a request does not commit it: the next pipeline of the group reads it again
 * and regenerates it, and every event index it repeats carries the same token as the first time, so the client
 * (which keeps one event per index) sees one correct stream.
 */
class ShutdownHandsBackUnfinishedRequestsTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();
    private static final int MAX_TOKENS = 160;

    @Test
    void anUnfinishedRequestIsLeftUncommittedAndRegeneratedIdentically() {
        Path model = SharedFiles.model("stories260K.gguf");
        String name = TestRequests.modelName(model);
        Map<String, String> noGrace = Map.of("baton.worker.shutdown-grace", "0s");
        try (EngineReference engine = new EngineReference(model, 2048);
             TestKafka kafka = new TestKafka(BOOTSTRAP)) {
            int[] prompt = engine.prompt("Once upon a time");
            InferenceRequest request = TestRequests.request(name, prompt, MAX_TOKENS).setIgnoreEos(true)
                    .setSampling(Sampling.newBuilder().setTemperature(0.9f)).build(); // seed from the request id
            String group;
            TestKafka.TopicPartitionOffset at;
            try (InJvmPipeline first = InJvmPipeline.start(BOOTSTRAP, model, 2, noGrace)) {
                group = first.group();
                at = kafka.send(request);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (kafka.repliesSoFar(request.getRequestId()).size() < 5) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("the request produced no tokens");
                    }
                    InJvmPipeline.sleep(5);
                }
            }
            int before = kafka.repliesSoFar(request.getRequestId()).size();
            assertTrue(before < MAX_TOKENS, "the request was still running at shutdown (" + before + " events)");
            long committed = kafka.committed(group).getOrDefault(at.partition(), -1L);
            assertTrue(committed <= at.offset(), "committed " + committed + " past the unfinished request at "
                    + at.offset());

            try (InJvmPipeline second = InJvmPipeline.startInGroup(BOOTSTRAP, model, 2, Map.of(), group)) {
                List<TokenEvent> events = kafka.awaitReply(request.getRequestId(), Duration.ofSeconds(90));
                SamplingParams params = RequestParameters.sampling(request);
                assertEquals(engine.generate(prompt, params, MAX_TOKENS, true),
                        events.stream().filter(TokenEvent::hasTokenId).map(TokenEvent::getTokenId).toList());
                Map<Integer, Integer> tokenAt = new HashMap<>();
                for (TokenEvent e : kafka.repliesSoFar(request.getRequestId())) {
                    Integer earlier = tokenAt.putIfAbsent(e.getIndex(), e.getTokenId());
                    assertTrue(earlier == null || earlier == e.getTokenId(), "index " + e.getIndex()
                            + " was " + earlier + ", regenerated as " + e.getTokenId());
                }
                assertTrue(kafka.repliesSoFar(request.getRequestId()).size() > MAX_TOKENS, "it was regenerated");
            }
        }
    }
}
