package dev.baton.scaler.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The stage StatefulSets of the pipelines (found by a label selector, ordered by their {@code baton.dev/stage} label)
 * and the one operation the scaler performs on them: setting every one to the same replica count, through the scale
 * subresource. Pod i of every stage forms pipeline i, so the pipeline count is stage 0's replica count, and a scale
 * down removes the highest pipeline whole.
 */
public final class StageSets {
    /** The label giving a StatefulSet's stage index. */
    public static final String STAGE_LABEL = "baton.dev/stage";
    private static final String HTTP_PORT_NAME = "http";

    private final KubernetesClient client;
    private final String namespace;
    private final String selector;

    /** One stage's StatefulSet. */
    public record Stage(String name, int index, int replicas, String serviceName, int httpPort) {
    }

    /** The stages of the pipelines, stage 0 first. */
    public record Pipelines(List<Stage> stages) {
        /** How many pipelines run: stage 0's replicas (each is a member of the consumer group). */
        public int count() {
            return stages.getFirst().replicas();
        }

        /** Whether every stage has the same replica count. */
        public boolean aligned() {
            return stages.stream().allMatch(s -> s.replicas() == count());
        }
    }

    public StageSets(KubernetesClient client, String namespace, String selector) {
        this.client = client;
        this.namespace = namespace;
        this.selector = selector;
    }

    /**
     * Reads the stage StatefulSets.
     *
     * @throws IllegalStateException when none matches, or their stage labels are not 0, 1, ... without gaps
     */
    public Pipelines read() {
        List<Stage> stages = new ArrayList<>();
        for (StatefulSet set : client.apps().statefulSets().inNamespace(namespace).withLabelSelector(selector).list()
                .getItems()) {
            stages.add(describe(set));
        }
        if (stages.isEmpty()) {
            throw new IllegalStateException("no StatefulSet in namespace " + namespace + " matches " + selector);
        }
        stages.sort(Comparator.comparingInt(Stage::index));
        for (int k = 0; k < stages.size(); k++) {
            if (stages.get(k).index() != k) {
                throw new IllegalStateException("stage StatefulSets matching " + selector + " must carry "
                        + STAGE_LABEL + " = 0.." + (stages.size() - 1) + " once each, found "
                        + stages.stream().map(s -> s.name() + "=" + s.index()).toList());
            }
        }
        return new Pipelines(List.copyOf(stages));
    }

    private static Stage describe(StatefulSet set) {
        String name = set.getMetadata().getName();
        String label = set.getMetadata().getLabels() == null ? null : set.getMetadata().getLabels().get(STAGE_LABEL);
        int index;
        try {
            index = Integer.parseInt(label);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("StatefulSet " + name + " has no numeric " + STAGE_LABEL + " label");
        }
        Integer replicas = set.getSpec().getReplicas();
        int port = set.getSpec().getTemplate().getSpec().getContainers().stream()
                .map(Container::getPorts).filter(Objects::nonNull).flatMap(List::stream)
                .filter(p -> HTTP_PORT_NAME.equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElse(8080);
        return new Stage(name, index, replicas == null ? 1 : replicas, set.getSpec().getServiceName(), port);
    }

    /** Sets every stage to {@code pipelines} replicas (the scale subresource of each StatefulSet). */
    public void scaleAll(Pipelines current, int pipelines) {
        for (Stage stage : current.stages()) {
            if (stage.replicas() != pipelines) {
                client.apps().statefulSets().inNamespace(namespace).withName(stage.name()).scale(pipelines);
            }
        }
    }

    /** The drain endpoint of pipeline {@code ordinal}'s stage 0: its pod's stable name under the headless Service. */
    public URI drainEndpoint(Pipelines pipelines, int ordinal) {
        Stage first = pipelines.stages().getFirst();
        return URI.create("http://" + first.name() + "-" + ordinal + "." + first.serviceName() + "." + namespace
                + ".svc:" + first.httpPort() + "/drain");
    }
}
