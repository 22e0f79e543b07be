package dev.baton.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bin/baton commands a user types against the local system: status, chat, and up refusing a taken port. */
class LauncherCommandsIT {
    private final BatonSystem system = BatonSystem.get();

    @Test
    void statusShowsEveryProcessReady() {
        String status = system.baton.runOk(60, "status");

        assertTrue(status.lines().anyMatch(line -> line.startsWith("kafka") && line.contains("running")), status);
        for (String name : List.of("tokenizer", "stage-0", "stage-1", "gateway-0", "gateway-1")) {
            assertTrue(status.lines().anyMatch(line -> line.startsWith(name + " ") && line.contains(" ready ")),
                    name + " ready in:\n" + status);
        }
    }

    @Test
    void chatStreamsTheGreedyAnswerToTheTerminal() {
        String question = "Where is the cat?";
        HttpResponse<String> tokenized = Clients.post(system.gatewayUrl(0), "/tokenize",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}");
        List<Integer> promptIds = new ArrayList<>();
        Clients.json(tokenized).get("tokens").forEach(id -> promptIds.add(id.asInt()));
        JsonNode expected = system.generateFromIds(promptIds, 24);

        String printed = system.baton.runOk(60, "chat", question, "--temperature", "0", "--max-tokens", "24");

        assertEquals(expected.get("text").asText() + "\n", printed);
    }

    @Test
    void upRefusesATakenPortAndStartsNothing() throws Exception {
        Path runDir = system.home.resolve("testing/system-tests/target/refused-run");
        BatonCommand baton = new BatonCommand(system.home, runDir);
        try (ServerSocket occupied = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = occupied.getLocalPort();
            BatonCommand.Result result = baton.run(60, "up", "--model", system.model.toString(),
                    "--port", String.valueOf(port), "--tokenizer-port", String.valueOf(FreePorts.block(1)),
                    "--worker-port", String.valueOf(FreePorts.block(2)), "--kafka-port", String.valueOf(FreePorts.block(2)));

            assertEquals(1, result.exitCode(), result.output());
            assertTrue(result.output().contains("port " + port + " (gateway-0) is already in use"), result.output());
            Path pids = runDir.resolve("pids");
            assertFalse(Files.exists(pids) && Files.list(pids).findAny().isPresent(), "no process was started");
        }
    }
}
