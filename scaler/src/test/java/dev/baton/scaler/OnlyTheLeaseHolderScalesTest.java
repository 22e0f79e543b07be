package dev.baton.scaler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.scaler.drain.PipelineDrain;
import dev.baton.scaler.kubernetes.StageSets;
import dev.baton.scaler.lag.RequestLag;
import dev.baton.scaler.scaling.PipelineCountDecider;
import dev.baton.scaler.scaling.PipelineScaler;
import dev.baton.scaler.scaling.ScalerMetrics;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Two scaler replicas against one API server (fabric8's mock, CRUD mode): exactly one holds the Lease and scales;
 * when it stops, it releases the Lease and the other takes over and scales from the lag it now sees.
 */
@EnableKubernetesMockClient(crud = true)
class OnlyTheLeaseHolderScalesTest {
    private static final String NAMESPACE = "baton";

    KubernetesClient client;

    @Test
    void oneReplicaLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
        for (int k = 0; k < 2; k++) {
            client.apps().statefulSets().inNamespace(NAMESPACE).resource(new StatefulSetBuilder()
                    .withNewMetadata().withName("baton-stage-" + k).addToLabels("app.kubernetes.io/name", "baton-worker")
                    .addToLabels(StageSets.STAGE_LABEL, Integer.toString(k)).endMetadata()
                    .withNewSpec().withReplicas(1).withServiceName("baton-stage-" + k).withNewTemplate().withNewSpec()
                    .addNewContainer().withName("worker").endContainer().endSpec().endTemplate().endSpec().build())
                    .create();
        }
        AtomicLong lag = new AtomicLong(40);
        Replica a = new Replica("scaler-a", lag);
        Replica b = new Replica("scaler-b", lag);
        a.start();
        await(() -> a.metrics.leader.get() == 1, "scaler-a leads");
        b.start();
        await(() -> stage0Replicas() == 3, "the leader scaled to 40 / 16 -> 3 pipelines");
        Thread.sleep(1_000);
        assertEquals(0, b.metrics.leader.get(), "scaler-b stands by while scaler-a holds the Lease");
        assertEquals(0, b.metrics.scaleUps.get());

        lag.set(70);
        a.loop.stop();
        a.thread.join(10_000);
        await(() -> b.metrics.leader.get() == 1, "scaler-b takes over");
        // the stages are scaled one after the other: stage 1 may still be at 3 just after stage 0 reached 5
        await(() -> stage0Replicas() == 5 && client.apps().statefulSets().inNamespace(NAMESPACE)
                .withName("baton-stage-1").get().getSpec().getReplicas() == 5,
                "scaler-b scaled every stage to 70 / 16 -> 5 pipelines");
        b.loop.stop();
        b.thread.join(10_000);
    }

    private final class Replica {
        final ScalerMetrics metrics = new ScalerMetrics();
        final LeadingLoop loop;
        final Thread thread;

        Replica(String identity, AtomicLong lag) {
            ScalerSettings settings = ScalerSettings.read(Map.of(
                    "baton.scaler.namespace", NAMESPACE, "baton.scaler.identity", identity,
                    "baton.scaler.lag-per-pipeline", "16", "baton.scaler.max-pipelines", "8",
                    "baton.scaler.interval", "200ms", "baton.scaler.scale-up-cooldown", "0s",
                    "baton.scaler.lease-duration", "3s", "baton.scaler.renew-deadline", "2s",
                    "baton.scaler.retry-period", "200ms")::get);
            StageSets stages = new StageSets(client, NAMESPACE, settings.stageSelector());
            PipelineScaler scaler = new PipelineScaler(() -> new RequestLag.Reading(lag.get(), 8), stages,
                    new NoDrainExpected(), new PipelineCountDecider(settings.policy()), settings.drainTimeout(),
                    metrics, Clock.systemUTC());
            loop = new LeadingLoop(client, settings, scaler, metrics);
            thread = new Thread(loop::run, identity);
        }

        void start() {
            thread.start();
        }
    }

    /** The lag only rises in this test: a drain call would be a bug. */
    private static final class NoDrainExpected implements PipelineDrain {
        @Override
        public State drain(int ordinal) {
            throw new AssertionError("drain " + ordinal);
        }

        @Override
        public State state(int ordinal) {
            return State.SERVING;
        }

        @Override
        public State resume(int ordinal) {
            throw new AssertionError("resume " + ordinal);
        }
    }

    private int stage0Replicas() {
        return client.apps().statefulSets().inNamespace(NAMESPACE).withName("baton-stage-0").get().getSpec()
                .getReplicas();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
