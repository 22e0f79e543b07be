package dev.baton.scaler.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.kafka.BatonTopic;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The k8s/ manifests, checked without a cluster so that a mistake fails the build: every document parses into a
 * known kind with no unknown field; selectors, named ports, ConfigMap and Secret keys, claims and service accounts
 * point at things that exist; each stage's next-stage address names the next stage's pod under an existing headless
 * Service; the Kafka topics have kafka/'s partition counts; the scaler may do what it does and sends the admin token
 * the stages require. The base is checked from its
 * files (the ConfigMap from its generator); the overlays through {@code kubectl kustomize} where kubectl is
 * installed, and otherwise by their references.
 */
class ManifestsHangTogetherTest {
    private static final Path K8S = Path.of("..", "k8s").toAbsolutePath().normalize();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    @Test
    void theBaseHangsTogetherAndCarriesKafkasPartitionCounts() throws IOException {
        Path base = K8S.resolve("base");
        Map<String, Object> kustomization = kustomization(base);
        List<HasMetadata> resources = resources(base);
        for (Object generator : list(kustomization, "configMapGenerator")) {
            resources.add(generatedConfigMap(castMap(generator)));
        }
        ManifestChecks.of(resources).checkAll();
        for (BatonTopic topic : BatonTopic.values()) {
            assertEquals(topic.defaultPartitions(), ManifestChecks.of(resources).topicPartitions(topic.topicName()),
                    topic.topicName() + ": the partition count kafka/ defines");
        }
    }

    @Test
    void everyOverlayRendersAndHangsTogether() throws Exception {
        assumeTrue(kubectl(), "kubectl is not installed: the overlays are checked by reference only");
        for (Path overlay : overlays()) {
            ManifestChecks rendered = ManifestChecks.of(parse(render(overlay), overlay.toString()));
            rendered.checkAll();
            for (BatonTopic topic : BatonTopic.values()) {
                assertTrue(rendered.topicPartitions(topic.topicName()) >= topic.defaultPartitions(),
                        overlay + ": " + topic.topicName() + " has fewer partitions than kafka/ defines");
            }
        }
    }

    @Test
    void everyOverlayNamesFilesAndTargetsThatExist() throws IOException {
        List<HasMetadata> base = resources(K8S.resolve("base"));
        for (Path overlay : overlays()) {
            Map<String, Object> kustomization = kustomization(overlay);
            List<HasMetadata> own = new ArrayList<>(base);
            for (Object resource : list(kustomization, "resources")) {
                Path path = overlay.resolve((String) resource).normalize();
                assertTrue(Files.exists(path), overlay + " names " + resource + ", which does not exist");
                own.addAll(Files.isRegularFile(path) ? parse(Files.readString(path), path.toString())
                        : resources(path));
            }
            for (Object entry : list(kustomization, "patches")) {
                Map<String, Object> patch = castMap(entry);
                if (patch.containsKey("path")) {
                    Path path = overlay.resolve((String) patch.get("path"));
                    assertTrue(Files.exists(path), overlay + " names the patch " + path + ", which does not exist");
                    for (Map<String, Object> document : documents(Files.readString(path))) {
                        String kind = (String) document.get("kind");
                        String name = (String) castMap(document.get("metadata")).get("name");
                        assertTrue(own.stream().anyMatch(r -> r.getKind().equals(kind)
                                        && r.getMetadata().getName().equals(name)),
                                path + " patches " + kind + " " + name + ", which the base does not have");
                    }
                } else {
                    String kind = (String) castMap(patch.get("target")).get("kind");
                    assertTrue(own.stream().anyMatch(r -> r.getKind().equals(kind)),
                            overlay + " patches every " + kind + ", of which there is none");
                }
            }
            for (Object entry : list(kustomization, "replicas")) {
                String name = (String) castMap(entry).get("name");
                assertTrue(own.stream().anyMatch(r -> r.getMetadata().getName().equals(name)),
                        overlay + " sets the replicas of " + name + ", which does not exist");
            }
        }
    }

    /** The resources a kustomization lists, its own files and those of the kustomizations it names, as written. */
    private static List<HasMetadata> resources(Path dir) throws IOException {
        List<HasMetadata> resources = new ArrayList<>();
        for (Object entry : list(kustomization(dir), "resources")) {
            Path path = dir.resolve((String) entry).normalize();
            resources.addAll(Files.isDirectory(path) ? resources(path)
                    : parse(Files.readString(path), path.toString()));
        }
        return resources;
    }

    static List<HasMetadata> parse(String yaml, String source) {
        List<HasMetadata> resources = new ArrayList<>();
        for (Map<String, Object> document : documents(yaml)) {
            String text = SERIALIZATION.asYaml(document);
            Object parsed = SERIALIZATION.unmarshal(text);
            if (!(parsed instanceof HasMetadata resource)) {
                throw new AssertionError(source + ": not a Kubernetes resource: " + document.get("kind"));
            }
            if (resource instanceof GenericKubernetesResource generic
                    && !generic.getApiVersion().startsWith("kafka.strimzi.io/")) {
                throw new AssertionError(source + ": unknown kind " + generic.getApiVersion() + " "
                        + generic.getKind());
            }
            ManifestChecks.requireNoUnknownFields(resource, source + " " + resource.getKind() + " "
                    + resource.getMetadata().getName());
            resources.add(resource);
        }
        return resources;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents(String yaml) {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (var parser = YAML.createParser(yaml)) {
            var values = YAML.readValues(parser, Map.class);
            while (values.hasNext()) {
                Map<String, Object> document = values.next();
                if (document != null && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }

    private static ConfigMap generatedConfigMap(Map<String, Object> generator) {
        ConfigMapBuilder map = new ConfigMapBuilder().withNewMetadata().withName((String) generator.get("name"))
                .endMetadata();
        for (Object literal : list(generator, "literals")) {
            String[] pair = ((String) literal).split("=", 2);
            map.addToData(pair[0], pair[1]);
        }
        return map.build();
    }

    private static Map<String, Object> kustomization(Path dir) throws IOException {
        return castMap(YAML.readValue(Files.readString(dir.resolve("kustomization.yaml")), Map.class));
    }

    private static List<Path> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
            List<Path> all = dirs.filter(Files::isDirectory).sorted().toList();
            assertTrue(all.size() >= 2, "the dev and prod overlays");
            return all;
        }
    }

    private static boolean kubectl() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String render(Path overlay) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kubectl", "kustomize", overlay.toString()).start();
        String out;
        String err;
        try (InputStream stdout = p.getInputStream(); InputStream stderr = p.getErrorStream()) {
            out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
            err = new String(stderr.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize " + overlay + " did not finish");
        assertEquals(0, p.exitValue(), "kubectl kustomize " + overlay + ": " + err);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value == null ? List.of() : (List<Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }
}
