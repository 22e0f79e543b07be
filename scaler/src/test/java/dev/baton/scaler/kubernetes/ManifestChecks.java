package dev.baton.scaler.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.kafka.BatonTopic;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** The consistency rules for one set of manifests (the base's files, or a rendered overlay). */
final class ManifestChecks {
    private static final String NEXT = "BATON_WORKER_NEXT";

    private final List<HasMetadata> resources;

    private ManifestChecks(List<HasMetadata> resources) {
        this.resources = resources;
    }

    static ManifestChecks of(List<HasMetadata> resources) {
        return new ManifestChecks(resources);
    }

    void checkAll() {
        workloadsHangTogether();
        servicesSelectPodsAndTheirPorts();
        stagesFormPipelines();
        budgetsSelectPods();
        kafkaResourcesNameTheCluster();
        theScalerMayDoItsJob();
        gatewaysOwnDisjointReplyPartitions();
    }

    /** The partitions of the KafkaTopic whose topicName is {@code topic}. */
    int topicPartitions(String topic) {
        return all(GenericKubernetesResource.class).stream().filter(r -> r.getKind().equals("KafkaTopic"))
                .filter(r -> topic.equals(spec(r).get("topicName"))).map(r -> (Integer) spec(r).get("partitions"))
                .findFirst().orElseThrow(() -> new AssertionError("no KafkaTopic for " + topic));
    }

    private void workloadsHangTogether() {
        for (Workload w : workloads()) {
            Map<String, String> podLabels = w.template().getMetadata().getLabels();
            w.selector().forEach((k, v) -> assertEquals(v, podLabels.get(k),
                    w.name() + ": the selector's " + k + " is not on its pods"));
            for (Container c : w.template().getSpec().getContainers()) {
                for (Probe probe : probes(c)) {
                    if (probe.getHttpGet() != null) {
                        assertPort(w, c, probe.getHttpGet().getPort());
                    }
                }
                for (EnvVar env : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
                    if (env.getValueFrom() != null && env.getValueFrom().getConfigMapKeyRef() != null) {
                        var ref = env.getValueFrom().getConfigMapKeyRef();
                        ConfigMap map = named(ConfigMap.class, ref.getName()).orElseThrow(() -> new AssertionError(
                                w.name() + " " + env.getName() + ": no ConfigMap " + ref.getName()));
                        assertTrue(map.getData().containsKey(ref.getKey()),
                                w.name() + " " + env.getName() + ": ConfigMap " + ref.getName() + " has no "
                                        + ref.getKey());
                    }
                    if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                        var ref = env.getValueFrom().getSecretKeyRef();
                        Secret secret = named(Secret.class, ref.getName()).orElseThrow(() -> new AssertionError(
                                w.name() + " " + env.getName() + ": no Secret " + ref.getName()));
                        assertTrue(Stream.of(secret.getData(), secret.getStringData()).filter(Objects::nonNull)
                                        .anyMatch(data -> data.containsKey(ref.getKey())),
                                w.name() + " " + env.getName() + ": Secret " + ref.getName() + " has no "
                                        + ref.getKey());
                    }
                }
            }
            for (Volume v : Optional.ofNullable(w.template().getSpec().getVolumes()).orElse(List.of())) {
                if (v.getPersistentVolumeClaim() != null) {
                    assertTrue(named(PersistentVolumeClaim.class, v.getPersistentVolumeClaim().getClaimName())
                            .isPresent(), w.name() + ": no claim " + v.getPersistentVolumeClaim().getClaimName());
                }
            }
            String account = w.template().getSpec().getServiceAccountName();
            if (account != null) {
                assertTrue(named(ServiceAccount.class, account).isPresent(), w.name() + ": no account " + account);
            }
            Map<String, String> annotations = Optional.ofNullable(w.template().getMetadata().getAnnotations())
                    .orElse(Map.of());
            if ("true".equals(annotations.get("prometheus.io/scrape"))) {
                int port = Integer.parseInt(annotations.get("prometheus.io/port"));
                assertTrue(w.template().getSpec().getContainers().stream().flatMap(c -> ports(c).stream())
                        .anyMatch(p -> p.getContainerPort() == port), w.name() + ": scrape port " + port);
            }
        }
        for (String component : List.of("gateway", "stage", "scaler")) {
            assertTrue(workloads().stream().filter(w -> component.equals(w.template().getMetadata().getLabels()
                            .get("app.kubernetes.io/component")))
                    .allMatch(w -> w.template().getMetadata().getAnnotations() != null
                            && "true".equals(w.template().getMetadata().getAnnotations().get("prometheus.io/scrape"))),
                    component + " pods are scraped by Prometheus");
        }
    }

    private void servicesSelectPodsAndTheirPorts() {
        for (Service s : all(Service.class)) {
            List<Workload> selected = workloads().stream()
                    .filter(w -> matches(s.getSpec().getSelector(), w.template().getMetadata().getLabels())).toList();
            assertTrue(!selected.isEmpty(), "Service " + name(s) + " selects no pods");
            for (var port : s.getSpec().getPorts()) {
                for (Workload w : selected) {
                    assertPort(w, w.template().getSpec().getContainers().getFirst(), port.getTargetPort());
                }
            }
        }
    }

    private void stagesFormPipelines() {
        List<StatefulSet> stages = all(StatefulSet.class).stream()
                .filter(s -> s.getMetadata().getLabels().containsKey(StageSets.STAGE_LABEL))
                .sorted(Comparator.comparingInt(s -> stageIndex(s))).toList();
        assertTrue(stages.size() >= 1, "no stage StatefulSets");
        for (int k = 0; k < stages.size(); k++) {
            StatefulSet stage = stages.get(k);
            assertEquals(k, stageIndex(stage), "stage labels must be 0.." + (stages.size() - 1));
            Service headless = named(Service.class, stage.getSpec().getServiceName()).orElseThrow(() ->
                    new AssertionError(name(stage) + ": no Service " + stage.getSpec().getServiceName()));
            assertEquals("None", headless.getSpec().getClusterIP(), name(headless) + " must be headless");
            assertEquals(Boolean.TRUE, headless.getSpec().getPublishNotReadyAddresses(),
                    name(headless) + ": a stage must be found before it is ready");
            assertTrue(matches(headless.getSpec().getSelector(), stage.getSpec().getTemplate().getMetadata()
                    .getLabels()), name(headless) + " selects the pods of " + name(stage));
            assertTrue(all(Service.class).stream().filter(s -> s != headless).noneMatch(s ->
                            matches(s.getSpec().getSelector(), stage.getSpec().getTemplate().getMetadata().getLabels())
                                    && "None".equals(s.getSpec().getClusterIP())),
                    "only " + name(headless) + " may be the headless Service of " + name(stage));
            Container worker = stage.getSpec().getTemplate().getSpec().getContainers().getFirst();
            assertEquals(Integer.toString(k), env(worker, "BATON_WORKER_STAGE").getValue(), name(stage));
            assertEquals(Integer.toString(stages.size()), env(worker, "BATON_WORKER_STAGES").getValue(), name(stage));
            assertEquals("metadata.name", env(worker, "BATON_WORKER_POD_NAME").getValueFrom().getFieldRef()
                    .getFieldPath(), name(stage) + ": the pod name gives the ordinal");
            if (k == stages.size() - 1) {
                assertNull(envOrNull(worker, NEXT), name(stage) + " is the last stage: no next one");
                continue;
            }
            StatefulSet next = stages.get(k + 1);
            Service nextService = named(Service.class, next.getSpec().getServiceName()).orElseThrow();
            int nextPort = nextService.getSpec().getPorts().getFirst().getPort();
            assertEquals(name(next) + "-{ordinal}." + name(nextService) + ":" + nextPort,
                    env(worker, NEXT).getValue(), name(stage) + ": pod i must talk to pod i of " + name(next));
        }
    }

    private void budgetsSelectPods() {
        for (PodDisruptionBudget pdb : all(PodDisruptionBudget.class)) {
            assertTrue(workloads().stream().anyMatch(w -> matches(pdb.getSpec().getSelector().getMatchLabels(),
                    w.template().getMetadata().getLabels())), "PodDisruptionBudget " + name(pdb) + " selects no pods");
        }
        assertTrue(workloads().stream().allMatch(w -> all(PodDisruptionBudget.class).stream().anyMatch(pdb ->
                        matches(pdb.getSpec().getSelector().getMatchLabels(), w.template().getMetadata().getLabels()))),
                "every workload has a PodDisruptionBudget");
    }

    private void kafkaResourcesNameTheCluster() {
        List<GenericKubernetesResource> strimzi = all(GenericKubernetesResource.class);
        List<String> clusters = strimzi.stream().filter(r -> r.getKind().equals("Kafka")).map(ManifestChecks::name)
                .toList();
        assertEquals(1, clusters.size(), "one Kafka cluster");
        for (GenericKubernetesResource r : strimzi) {
            if (!r.getKind().equals("Kafka")) {
                assertEquals(clusters.getFirst(), r.getMetadata().getLabels().get("strimzi.io/cluster"),
                        r.getKind() + " " + name(r) + " must name the Kafka cluster");
            }
        }
        for (BatonTopic topic : BatonTopic.values()) {
            topicPartitions(topic.topicName());
        }
        String bootstrap = all(ConfigMap.class).stream().map(m -> m.getData().get("KAFKA_BOOTSTRAP_SERVERS"))
                .filter(Objects::nonNull).findFirst().orElseThrow();
        assertTrue(bootstrap.startsWith(clusters.getFirst() + "-kafka-bootstrap:"),
                "the services reach Strimzi's bootstrap Service of " + clusters.getFirst() + ", not " + bootstrap);
    }

    private void theScalerMayDoItsJob() {
        Deployment scaler = named(Deployment.class, "baton-scaler").orElseThrow();
        Container c = scaler.getSpec().getTemplate().getSpec().getContainers().getFirst();
        String account = scaler.getSpec().getTemplate().getSpec().getServiceAccountName();
        RoleBinding binding = all(RoleBinding.class).stream().filter(b -> b.getSubjects().stream()
                        .anyMatch(s -> s.getKind().equals("ServiceAccount") && s.getName().equals(account)))
                .findFirst().orElseThrow(() -> new AssertionError("no RoleBinding for " + account));
        Role role = named(Role.class, binding.getRoleRef().getName()).orElseThrow();
        assertTrue(allows(role, "apps", "statefulsets", "list"), "the scaler lists the StatefulSets");
        assertTrue(allows(role, "apps", "statefulsets/scale", "patch")
                || allows(role, "apps", "statefulsets/scale", "update"), "the scaler scales them");
        assertTrue(allows(role, "coordination.k8s.io", "leases", "update")
                && allows(role, "coordination.k8s.io", "leases", "create"), "the scaler holds a Lease");
        String selector = env(c, "BATON_SCALER_STAGE_SELECTOR").getValue();
        Map<String, String> wanted = new java.util.HashMap<>();
        for (String pair : selector.split(",")) {
            String[] kv = pair.split("=", 2);
            wanted.put(kv[0].strip(), kv[1].strip());
        }
        List<StatefulSet> selected = all(StatefulSet.class).stream()
                .filter(s -> matches(wanted, s.getMetadata().getLabels())).toList();
        assertEquals(all(StatefulSet.class).stream().filter(s -> s.getMetadata().getLabels()
                .containsKey(StageSets.STAGE_LABEL)).toList(), selected, "the scaler's selector finds every stage");
        for (StatefulSet stage : selected) {
            assertEquals(source(envOrNull(stage.getSpec().getTemplate().getSpec().getContainers().getFirst(),
                            "BATON_WORKER_ADMIN_TOKEN")), source(envOrNull(c, "BATON_SCALER_ADMIN_TOKEN")),
                    "the scaler sends the admin token " + name(stage) + " requires");
        }
        int max = Integer.parseInt(env(c, "BATON_SCALER_MAX_PIPELINES").getValue());
        assertTrue(max <= topicPartitions(BatonTopic.REQUESTS.topicName()),
                "max pipelines " + max + " over the request partitions");
        for (StatefulSet stage : selected) {
            assertTrue(stage.getSpec().getReplicas() <= max, name(stage) + " starts above max pipelines");
        }
    }

    private void gatewaysOwnDisjointReplyPartitions() {
        List<Deployment> gateways = all(Deployment.class).stream().filter(d -> "gateway".equals(
                d.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/component"))).toList();
        assertTrue(!gateways.isEmpty(), "no gateway");
        int partitions = topicPartitions(BatonTopic.REPLIES.topicName());
        java.util.Set<Integer> owned = new java.util.HashSet<>();
        for (Deployment gateway : gateways) {
            String setting = env(gateway.getSpec().getTemplate().getSpec().getContainers().getFirst(),
                    "BATON_GATEWAY_REPLY_PARTITIONS").getValue();
            if (setting.equals("all")) {
                assertEquals(1, gateways.size(), name(gateway) + " owns all reply partitions beside other gateways");
                assertEquals(1, (int) gateway.getSpec().getReplicas(), name(gateway) + ": replicas would share them");
                continue;
            }
            assertEquals(1, (int) gateway.getSpec().getReplicas(),
                    name(gateway) + ": its replicas would own the same reply partitions");
            for (String p : setting.split(",")) {
                int partition = Integer.parseInt(p.strip());
                assertTrue(partition >= 0 && partition < partitions,
                        name(gateway) + ": reply partition " + partition + " does not exist");
                assertTrue(owned.add(partition), "reply partition " + partition + " is owned twice");
            }
        }
        assertTrue(owned.isEmpty() || owned.size() == partitions, "some reply partitions have no gateway: " + owned);
    }

    private static boolean allows(Role role, String group, String resource, String verb) {
        for (PolicyRule rule : role.getRules()) {
            if (rule.getApiGroups().contains(group) && rule.getResources().contains(resource)
                    && rule.getVerbs().contains(verb)) {
                return true;
            }
        }
        return false;
    }

    /** Fails when the object, or any model object in it, has fields its kind does not define (typos). */
    static void requireNoUnknownFields(Object model, String where) {
        if (model == null || model instanceof GenericKubernetesResource) {
            return;
        }
        if (model instanceof Collection<?> items) {
            items.forEach(item -> requireNoUnknownFields(item, where));
            return;
        }
        if (model instanceof Map<?, ?> map) {
            map.values().forEach(value -> requireNoUnknownFields(value, where));
            return;
        }
        if (!model.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")
                || model instanceof IntOrString) {
            return;
        }
        for (Method getter : model.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(model);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                assertTrue(value == null || ((Map<?, ?>) value).isEmpty(),
                        where + ": unknown fields " + value + " in " + model.getClass().getSimpleName());
            } else {
                requireNoUnknownFields(value, where);
            }
        }
    }

    private record Workload(String name, Map<String, String> selector, PodTemplateSpec template) {
    }

    private List<Workload> workloads() {
        List<Workload> workloads = new ArrayList<>();
        for (Deployment d : all(Deployment.class)) {
            workloads.add(new Workload(name(d), d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate()));
        }
        for (StatefulSet s : all(StatefulSet.class)) {
            workloads.add(new Workload(name(s), s.getSpec().getSelector().getMatchLabels(), s.getSpec().getTemplate()));
        }
        return workloads;
    }

    private static void assertPort(Workload w, Container c, IntOrString port) {
        if (port.getStrVal() != null) {
            assertTrue(ports(c).stream().anyMatch(p -> port.getStrVal().equals(p.getName())),
                    w.name() + ": no container port named " + port.getStrVal());
        } else {
            assertTrue(ports(c).stream().anyMatch(p -> p.getContainerPort().equals(port.getIntVal())),
                    w.name() + ": no container port " + port.getIntVal());
        }
    }

    private static List<ContainerPort> ports(Container c) {
        return Optional.ofNullable(c.getPorts()).orElse(List.of());
    }

    private static List<Probe> probes(Container c) {
        return Stream.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe())
                .filter(Objects::nonNull).toList();
    }

    private static EnvVar env(Container c, String name) {
        EnvVar env = envOrNull(c, name);
        assertNotNull(env, c.getName() + ": no " + name);
        return env;
    }

    private static EnvVar envOrNull(Container c, String name) {
        return Optional.ofNullable(c.getEnv()).orElse(List.of()).stream().filter(e -> e.getName().equals(name))
                .findFirst().orElse(null);
    }

    /** Where a variable's value comes from (its value, or its reference), null when it is not set. */
    private static Object source(EnvVar env) {
        return env == null ? null : env.getValueFrom() != null ? env.getValueFrom() : env.getValue();
    }

    private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private static int stageIndex(StatefulSet s) {
        return Integer.parseInt(s.getMetadata().getLabels().get(StageSets.STAGE_LABEL));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource r) {
        return (Map<String, Object>) r.getAdditionalProperties().get("spec");
    }

    private <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
        return all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
    }

    private static String name(HasMetadata r) {
        return r.getMetadata().getName();
    }
}
