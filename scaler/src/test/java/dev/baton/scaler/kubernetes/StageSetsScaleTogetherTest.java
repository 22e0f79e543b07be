package dev.baton.scaler.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes side against fabric8's mock API server (CRUD mode): the stage StatefulSets are found by label and
 * ordered by their stage label, the pipeline count is stage 0's replicas, a scale sets every stage through the scale
 * subresource, others are left alone, and stage 0's drain endpoint is its pod's stable DNS name.
 */
@EnableKubernetesMockClient(crud = true)
class StageSetsScaleTogetherTest {
    static final String NAMESPACE = "baton";
    static final String SELECTOR = "app.kubernetes.io/name=baton-worker";

    KubernetesClient client;

    @Test
    void everyStageIsScaledToTheSameCount() {
        create(client, stage(1, 2));
        create(client, stage(0, 2));
        create(client, stage(2, 2));
        create(client, new StatefulSetBuilder().withNewMetadata().withName("unrelated").endMetadata()
                .withNewSpec().withReplicas(5).endSpec().build());
        StageSets stages = new StageSets(client, NAMESPACE, SELECTOR);

        StageSets.Pipelines pipelines = stages.read();
        assertEquals(List.of("baton-stage-0", "baton-stage-1", "baton-stage-2"),
                pipelines.stages().stream().map(StageSets.Stage::name).toList());
        assertEquals(2, pipelines.count());
        assertTrue(pipelines.aligned());

        stages.scaleAll(pipelines, 4);
        assertEquals(List.of(4, 4, 4), replicas(client));
        assertEquals(5, client.apps().statefulSets().inNamespace(NAMESPACE).withName("unrelated").get().getSpec()
                .getReplicas(), "a StatefulSet outside the selector is left alone");
        assertEquals(URI.create("http://baton-stage-0-3.baton-stage-0.baton.svc:8080/drain"),
                stages.drainEndpoint(stages.read(), 3));
    }

    @Test
    void differingReplicaCountsAreSeen() {
        create(client, stage(0, 3));
        create(client, stage(1, 2));
        StageSets.Pipelines pipelines = new StageSets(client, NAMESPACE, SELECTOR).read();
        assertEquals(3, pipelines.count());
        assertFalse(pipelines.aligned());
    }

    @Test
    void stagesWithoutAProperStageLabelAreRefused() {
        create(client, stage(0, 1));
        create(client, stage(2, 1));
        IllegalStateException gap = assertThrows(IllegalStateException.class,
                () -> new StageSets(client, NAMESPACE, SELECTOR).read());
        assertTrue(gap.getMessage().contains("baton.dev/stage"), gap.getMessage());

        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> new StageSets(client, "elsewhere", SELECTOR).read());
        assertTrue(none.getMessage().contains("no StatefulSet"), none.getMessage());
    }

    static StatefulSet stage(int index, int replicas) {
        String name = "baton-stage-" + index;
        return new StatefulSetBuilder()
                .withNewMetadata().withName(name)
                .addToLabels("app.kubernetes.io/name", "baton-worker")
                .addToLabels(StageSets.STAGE_LABEL, Integer.toString(index)).endMetadata()
                .withNewSpec().withReplicas(replicas).withServiceName(name)
                .withNewSelector().addToMatchLabels(StageSets.STAGE_LABEL, Integer.toString(index)).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels(StageSets.STAGE_LABEL, Integer.toString(index))
                .endMetadata().withNewSpec().addNewContainer().withName("worker").withImage("baton/worker")
                .addNewPort().withName("http").withContainerPort(8080).endPort().endContainer().endSpec()
                .endTemplate().endSpec().build();
    }

    static void create(KubernetesClient client, StatefulSet set) {
        client.apps().statefulSets().inNamespace(NAMESPACE).resource(set).create();
    }

    static List<Integer> replicas(KubernetesClient client) {
        return client.apps().statefulSets().inNamespace(NAMESPACE).withLabelSelector(SELECTOR).list().getItems()
                .stream().sorted(java.util.Comparator.comparing(s -> s.getMetadata().getName()))
                .map(s -> s.getSpec().getReplicas()).toList();
    }
}
