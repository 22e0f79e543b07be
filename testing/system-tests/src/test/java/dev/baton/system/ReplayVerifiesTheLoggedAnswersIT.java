package dev.baton.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/baton replay} over what the gateways logged: completions and chats, greedy, seeded and with the seed the
 * gateway drew, through both gateways; every one replays identically through the running pipeline.
 */
class ReplayVerifiesTheLoggedAnswersIT {
    private final BatonSystem system = BatonSystem.get();

    @Test
    void everyAnswerOfTheRunningSystemReplaysIdentically() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        List<String> ids = new ArrayList<>();
        String model = "\"model\":\"" + system.modelName + "\"";
        List<String> bodies = List.of(
                "{" + model + ",\"prompt\":\"Once upon a time\",\"max_tokens\":32,\"temperature\":0}",
                "{" + model + ",\"prompt\":\"The dog\",\"max_tokens\":32,\"temperature\":0.8,\"seed\":7}",
                "{" + model + ",\"prompt\":\"A little girl\",\"max_tokens\":32,\"temperature\":1.0,\"top_p\":0.9}");
        for (int i = 0; i < bodies.size(); i++) {
            HttpResponse<String> answer = Clients.post(system.gatewayUrl(i % 2), "/v1/completions", bodies.get(i));
            assertEquals(200, answer.statusCode(), answer.body());
            ids.add(Clients.json(answer).get("id").asText());
        }
        HttpResponse<String> chat = Clients.post(system.gatewayUrl(1), "/v1/chat/completions", "{" + model
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}],\"max_tokens\":24}");
        assertEquals(200, chat.statusCode(), chat.body());
        ids.add(Clients.json(chat).get("id").asText());

        BatonCommand.Result run = system.baton.run(120, "replay", "--bootstrap", system.bootstrapServers(),
                "--since", before.toString(), "--json");

        assertEquals(0, run.exitCode(), run.output());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : run.output().strip().split("\n")) {
            if (line.startsWith("{")) {
                lines.add(Clients.JSON.readTree(line));
            }
        }
        for (String id : ids) {
            JsonNode line = lines.stream().filter(l -> id.equals(l.path("request_id").asText())).findFirst()
                    .orElseThrow(() -> new AssertionError(id + " not replayed:\n" + run.output()));
            assertEquals("identical", line.get("status").asText(), run.output());
            assertTrue(line.get("tokens_compared").asInt() > 0, run.output());
        }
        JsonNode summary = lines.getLast();
        assertEquals("summary", summary.get("type").asText());
        assertEquals(0, summary.get("diverged").asInt(), run.output());
    }
}
