package dev.baton.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real system, started once per test JVM exactly as a user starts it: {@code bin/baton up} with a Kafka broker,
 * the tokenizer service, a 2-stage worker pipeline and two gateways (owning reply partitions 0,2 and 1,3), on
 * stories260K, each a process of its own on free loopback ports; {@code bin/baton down} when the JVM ends.
 * Processes and logs live in target/system-run (BATON_RUN_DIR), apart from a developer's own run/.
 */
final class BatonSystem {
    static final int STAGES = 2;
    static final int GATEWAYS = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static BatonSystem shared;

    final Path home;
    final Path model;
    final String modelName;
    final BatonCommand baton;
    private final int gatewayPort;
    private final int kafkaPort;

    private BatonSystem() {
        home = Path.of(System.getProperty("baton.home", "../..")).toAbsolutePath().normalize();
        model = home.resolve("../shared/models/stories260K.gguf").normalize();
        modelName = "stories260K";
        baton = new BatonCommand(home, home.resolve("testing/system-tests/target/system-run"));
        gatewayPort = FreePorts.block(GATEWAYS);
        kafkaPort = FreePorts.block(2);
        int tokenizerPort = FreePorts.block(1);
        int workerPort = FreePorts.block(STAGES);
        baton.runOk(300, "up", "--model", model.toString(), "--stages", String.valueOf(STAGES),
                "--threads", "1", "--gateways", String.valueOf(GATEWAYS), "--port", String.valueOf(gatewayPort),
                "--tokenizer-port", String.valueOf(tokenizerPort), "--worker-port", String.valueOf(workerPort),
                "--kafka-port", String.valueOf(kafkaPort));
    }

    static synchronized BatonSystem get() {
        if (shared == null) {
            shared = new BatonSystem();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::down, "baton-down"));
        }
        return shared;
    }

    /** Base URL of gateway i (0 or 1), without /v1. */
    String gatewayUrl(int gateway) {
        return "http://127.0.0.1:" + (gatewayPort + gateway);
    }

    String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** Which reply partitions gateway i owns, as bin/baton up splits baton.replies' four partitions. */
    List<Integer> replyPartitionsOf(int gateway) {
        List<Integer> owned = new ArrayList<>();
        for (int p = gateway; p < 4; p += GATEWAYS) {
            owned.add(p);
        }
        return owned;
    }

    /** What {@code bin/baton generate --temperature 0} answers for a prompt: the single-process engine's greedy text. */
    JsonNode generate(String prompt, int maxTokens) {
        return generate(List.of("--prompt", prompt), maxTokens);
    }

    /** The same for a prompt given as token ids (a chat rendered by the tokenizer service, say). */
    JsonNode generateFromIds(List<Integer> promptIds, int maxTokens) {
        return generate(List.of("--prompt-ids", String.join(",", promptIds.stream().map(String::valueOf).toList())),
                maxTokens);
    }

    private JsonNode generate(List<String> prompt, int maxTokens) {
        List<String> args = new ArrayList<>(List.of("generate", "--model", model.toString(), "--max-tokens",
                String.valueOf(maxTokens), "--temperature", "0", "--json"));
        args.addAll(prompt);
        String out = baton.runOk(120, args.toArray(String[]::new));
        String lastLine = out.strip().lines().reduce((a, b) -> b).orElseThrow();
        try {
            return JSON.readTree(lastLine);
        } catch (IOException e) {
            throw new IllegalStateException("bin/baton generate printed no JSON:\n" + out, e);
        }
    }

    private void down() {
        baton.runOk(120, "down");
    }
}
