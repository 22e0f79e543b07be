package dev.baton.scaler.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import dev.baton.kafka.BatonTopic;
import dev.baton.proto.FinishReason;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.TokenEvent;
import dev.baton.scaler.drain.HttpPipelineDrain;
import dev.baton.scaler.drain.PipelineDrain;
import dev.baton.scaler.drain.StandInStageZero;
import dev.baton.scaler.kubernetes.StageSets;
import dev.baton.scaler.lag.RequestLag;
import dev.baton.testing.kafka.KafkaBrokerResource;
import dev.baton.worker.runtime.EngineReference;
import dev.baton.worker.runtime.InJvmPipeline;
import dev.baton.worker.runtime.StageRuntime;
import dev.baton.worker.runtime.TestKafka;
import dev.baton.worker.runtime.TestRequests;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Scaling rounds end to end: the lag from the real broker, the stage StatefulSets on fabric8's mock API server, and
 * two real pipelines (the worker's stages in this JVM) in one consumer group. When the lag asks for fewer pipelines,
 * the scaler drains the highest one, leaves the StatefulSets alone while its requests still run, and removes it from
 * every stage once it is drained: every request completes and none is handed back. When the lag asks for more, every
 * stage grows at once. A stage 0 that refuses the drain call (the scaler lacks the stages' admin token) is counted as
 * a configuration error, asked again each round while it serves, and removed at the drain timeout like any drain that
 * does not finish.
 */
@EnableKubernetesMockClient(crud = true)
class ScalerDrainsTheHighestPipelineBeforeRemovingItTest {
    private static final String BOOTSTRAP = KafkaBrokerResource.bootstrapServers();
    private static final String NAMESPACE = "baton";
    private static final String SELECTOR = "app.kubernetes.io/name=baton-worker";
    private static final int REQUESTS = 16;

    KubernetesClient client;

    @Test
    void theHighestPipelineIsRemovedOnlyOnceDrained() {
        Path model = SharedFiles.model("stories260K.gguf");
        String group = "scaler-test-" + UUID.randomUUID();
        TestKafka.startGroupAtEnd(BOOTSTRAP, group);
        createStages(2);
        Map<String, String> inGroup = Map.of("baton.worker.consumer-group", group);
        ScalerMetrics metrics = new ScalerMetrics();
        try (EngineReference engine = new EngineReference(model, 2048);
             TestKafka kafka = new TestKafka(BOOTSTRAP);
             InJvmPipeline first = InJvmPipeline.start(BOOTSTRAP, model, 1, inGroup);
             InJvmPipeline second = InJvmPipeline.start(BOOTSTRAP, model, 1, inGroup);
             RequestLag lag = new RequestLag(BOOTSTRAP, BatonTopic.REQUESTS.topicName(), group,
                     Duration.ofSeconds(10))) {
            PipelineScaler scaler = new PipelineScaler(lag::read, new StageSets(client, NAMESPACE, SELECTOR),
                    new StageZeroDrain(List.of(first.stage(0), second.stage(0))),
                    new PipelineCountDecider(new ScalingPolicy(64, 1, 4, 0.1, Duration.ZERO, Duration.ZERO)),
                    Duration.ofMinutes(2), metrics, Clock.systemUTC());

            int[] prompt = engine.prompt("Once upon a time");
            List<InferenceRequest> requests = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                requests.add(TestRequests.request(TestRequests.modelName(model), prompt, 400).setIgnoreEos(true)
                        .build());
            }
            kafka.sendAll(requests);
            StageRuntime highest = second.stage(0);
            await(() -> highest.stats().running.get() > 0, "the second pipeline runs requests");

            scaler.round();
            assertEquals(1, metrics.draining.get(), "the highest pipeline is being drained");
            assertNotEquals(PipelineDrain.State.SERVING, PipelineDrain.State.valueOf(highest.drainState().name()));
            if (highest.stats().running.get() > 0) {
                assertEquals(List.of(2, 2), replicas(), "removed while its requests still ran");
            }
            await(() -> {
                scaler.round();
                return replicas().equals(List.of(1, 1));
            }, "the drained pipeline is removed from every stage");

            for (InferenceRequest request : requests) {
                List<TokenEvent> events = kafka.awaitReply(request.getRequestId(), Duration.ofSeconds(90));
                assertEquals(FinishReason.FINISH_REASON_LENGTH, events.getLast().getFinishReason());
            }
            assertEquals(0, highest.stats().handedBack.get(), "the drained pipeline handed requests back");
            assertTrue(highest.stats().completed.get() > 0, "the drained pipeline finished its own requests");
            assertEquals(1, metrics.scaleDowns.get());
            assertEquals(-1, metrics.draining.get());
        }
    }

    @Test
    void everyStageGrowsAtOnceWhenTheLagAsksForMore() throws Exception {
        String group = "scaler-up-" + UUID.randomUUID();
        TestKafka.startGroupAtEnd(BOOTSTRAP, group);
        createStages(1);
        ScalerMetrics metrics = new ScalerMetrics();
        try (TestKafka kafka = new TestKafka(BOOTSTRAP);
             RequestLag lag = new RequestLag(BOOTSTRAP, BatonTopic.REQUESTS.topicName(), group,
                     Duration.ofSeconds(10))) {
            PipelineScaler scaler = new PipelineScaler(lag::read, new StageSets(client, NAMESPACE, SELECTOR),
                    new StageZeroDrain(List.of()),
                    new PipelineCountDecider(new ScalingPolicy(4, 1, 3, 0.1, Duration.ofMinutes(5),
                            Duration.ofMinutes(5))),
                    Duration.ofMinutes(2), metrics, Clock.systemUTC());
            for (int i = 0; i < 10; i++) {
                kafka.sendRaw(("r" + i).getBytes(), new byte[] {1});
            }
            scaler.round();
            assertEquals(List.of(3, 3), replicas(), "10 waiting at 4 per pipeline: 3 (the maximum)");
            assertEquals(10, metrics.lag.get());
            assertEquals(3, metrics.desiredPipelines.get());
            assertEquals(1, metrics.scaleUps.get());
        }
    }

    @Test
    void aRefusedDrainIsCountedAndEndsInTheDrainTimeout() throws Exception {
        createStages(2);
        ScalerMetrics metrics = new ScalerMetrics();
        SteppedClock clock = new SteppedClock();
        try (StandInStageZero stage = new StandInStageZero(Optional.of("the-stages-token"))) {
            PipelineScaler scaler = new PipelineScaler(() -> new RequestLag.Reading(0, 8),
                    new StageSets(client, NAMESPACE, SELECTOR),
                    new HttpPipelineDrain(ordinal -> stage.drainUri(), Duration.ofSeconds(5), Optional.empty()),
                    new PipelineCountDecider(new ScalingPolicy(16, 1, 4, 0.1, Duration.ZERO, Duration.ZERO)),
                    Duration.ofMinutes(5), metrics, clock);

            scaler.round();
            assertEquals(1, metrics.draining.get());
            assertEquals(1, metrics.drainRefusals.get());
            assertEquals(List.of(2, 2), replicas(), "removed although its stage 0 still serves");
            clock.advance(Duration.ofMinutes(1));
            scaler.round();
            assertEquals(2, metrics.drainRefusals.get(), "asked again while it serves");
            assertEquals(List.of(2, 2), replicas());
            assertEquals("serving", stage.state());

            clock.advance(Duration.ofMinutes(5));
            scaler.round();
            assertEquals(List.of(1, 1), replicas(), "removed at the drain timeout");
            assertEquals(1, metrics.drainTimeouts.get());
            assertTrue(metrics.render().contains("\nbaton_scaler_drain_refusals_total 2\n"), metrics.render());
        }
    }

    /** A clock that moves only when told to, so that a drain timeout passes without waiting for it. */
    private static final class SteppedClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** The scaler's drain calls, made on real stage-0 runtimes in this JVM instead of over HTTP. */
    private record StageZeroDrain(List<StageRuntime> stageZeros) implements PipelineDrain {
        @Override
        public State drain(int ordinal) {
            stageZeros.get(ordinal).drain();
            return state(ordinal);
        }

        @Override
        public State state(int ordinal) {
            return State.valueOf(stageZeros.get(ordinal).drainState().name());
        }

        @Override
        public State resume(int ordinal) {
            stageZeros.get(ordinal).resume();
            return state(ordinal);
        }
    }

    private void createStages(int replicas) {
        for (int k = 0; k < 2; k++) {
            String name = "baton-stage-" + k;
            StatefulSet set = new StatefulSetBuilder()
                    .withNewMetadata().withName(name).addToLabels("app.kubernetes.io/name", "baton-worker")
                    .addToLabels(StageSets.STAGE_LABEL, Integer.toString(k)).endMetadata()
                    .withNewSpec().withReplicas(replicas).withServiceName(name)
                    .withNewTemplate().withNewSpec().addNewContainer().withName("worker").endContainer().endSpec()
                    .endTemplate().endSpec().build();
            client.apps().statefulSets().inNamespace(NAMESPACE).resource(set).create();
        }
    }

    private List<Integer> replicas() {
        return client.apps().statefulSets().inNamespace(NAMESPACE).withLabelSelector(SELECTOR).list().getItems()
                .stream().sorted(Comparator.comparing(s -> s.getMetadata().getName()))
                .map(s -> s.getSpec().getReplicas()).toList();
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
