package dev.baton.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.proto.FinishReason;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.TokenEvent;
import dev.baton.testing.kafka.KafkaBrokerResource;
import dev.baton.worker.scheduling.Scheduler.Drain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * What the scaler relies on before it removes a pipeline: a drained stage 0 takes no new request, lets the running
 * one finish whole (nothing handed back), then commits and leaves the consumer group; undoing the drain rejoins the
 * group and the request that waited in the log is served.
 */
class DrainFinishesRunningRequestsThenLeavesTheGroupTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();

    @Test
    void aDrainedPipelineFinishesItsWorkLeavesAndComesBackOnResume() throws Exception {
        Path model = SharedFiles.model("stories260K.gguf");
        String name = TestRequests.modelName(model);
        try (EngineReference engine = new EngineReference(model, 2048);
             TestKafka kafka = new TestKafka(BOOTSTRAP);
             InJvmPipeline pipeline = InJvmPipeline.start(BOOTSTRAP, model, 2, Map.of());
             Admin admin = Admin.create(adminProperties())) {
            StageRuntime stage0 = pipeline.stage(0);
            int[] prompt = engine.prompt("Once upon a time");
            InferenceRequest running = TestRequests.request(name, prompt, 200).setIgnoreEos(true).build();
            kafka.send(running);
            awaitTrue(() -> !kafka.repliesSoFar(running.getRequestId()).isEmpty(), "the first request started");

            stage0.drain();
            assertEquals(Drain.DRAINING, stage0.drainState());
            assertTrue(stage0.readinessProblem().contains("drain"), stage0.readinessProblem());
            InferenceRequest waiting = TestRequests.request(name, prompt, 8).build();
            kafka.send(waiting);

            List<TokenEvent> events = kafka.awaitReply(running.getRequestId(), Duration.ofSeconds(90));
            assertEquals(engine.generate(prompt, SamplingParams.greedy(), 200, true),
                    events.stream().filter(TokenEvent::hasTokenId).map(TokenEvent::getTokenId).toList());
            assertEquals(FinishReason.FINISH_REASON_LENGTH, events.getLast().getFinishReason());
            awaitTrue(() -> stage0.drainState() == Drain.DRAINED, "stage 0 drained");
            awaitTrue(() -> members(admin, pipeline.group()) == 0, "stage 0 left the group");
            assertEquals(0, stage0.stats().handedBack.get(), "nothing was handed back");
            assertTrue(kafka.repliesSoFar(waiting.getRequestId()).isEmpty(), "a drained pipeline took a request");

            stage0.resume();
            List<TokenEvent> served = kafka.awaitReply(waiting.getRequestId(), Duration.ofSeconds(60));
            assertEquals(engine.generate(prompt, SamplingParams.greedy(), 8, true),
                    served.stream().filter(TokenEvent::hasTokenId).map(TokenEvent::getTokenId).toList());
            assertEquals(Drain.SERVING, stage0.drainState());
            assertEquals(1, members(admin, pipeline.group()));
        }
    }

    private static int members(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group).members()
                .size();
    }

    private static Properties adminProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        return p;
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            InJvmPipeline.sleep(20);
        }
    }
}
