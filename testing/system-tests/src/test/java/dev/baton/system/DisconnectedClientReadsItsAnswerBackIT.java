package dev.baton.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A client whose connection drops once the gateway took its request gets its answer from GET /v1/requests/{id}: a
 * non-streaming request runs to the end and is read back whole; a streaming one is cancelled (or had already
 * finished) and reads back what was generated, a prefix of the greedy answer.
 */
class DisconnectedClientReadsItsAnswerBackIT {
    private final BatonSystem system = BatonSystem.get();
    private final String gateway = system.gatewayUrl(1);

    @Test
    void nonStreamingRequestFinishesAndIsReadBack() throws Exception {
        String prompt = "The little boat";
        int maxTokens = 400;
        JsonNode expected = system.generate(prompt, maxTokens);
        String id = "disconnect-" + UUID.randomUUID();

        sendAndHangUp(id, "{\"model\":\"" + system.modelName + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":"
                + maxTokens + ",\"temperature\":0}", () -> awaitStatus(id, Set.of("pending", "running", "completed")));

        JsonNode status = awaitStatus(id, Set.of("completed"));
        assertEquals(expected.get("text").asText(), status.path("result").path("choices").path(0).path("text").asText());
        assertEquals(expected.get("token_ids").size(), status.path("result").path("usage").path("completion_tokens").asInt());
    }

    @Test
    void streamingRequestIsCancelledAndReadBack() throws Exception {
        String prompt = "A big tree";
        int maxTokens = 400;
        String expected = system.generate(prompt, maxTokens).get("text").asText();
        String id = "disconnect-" + UUID.randomUUID();

        sendAndHangUp(id, "{\"model\":\"" + system.modelName + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":"
                + maxTokens + ",\"temperature\":0,\"stream\":true}", null);

        JsonNode status = awaitStatus(id, Set.of("cancelled", "completed"));
        String text = status.path("result").path("choices").path(0).path("text").asText();
        assertTrue(expected.startsWith(text), "read back '" + text + "' is a prefix of the greedy answer");
    }

    /**
     * Sends the request over a bare socket and closes it once {@code accepted} returns (a non-streaming request), or
     * once the first event arrived when {@code accepted} is null (a streaming one).
     */
    private void sendAndHangUp(String id, String body, Acceptance accepted) throws Exception {
        URI uri = URI.create(gateway);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nContent-Type: application/json\r\n"
                    + "X-Request-Id: " + id + "\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            if (accepted != null) {
                accepted.await();
                return;
            }
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("data: "));
            assertTrue(line != null, "the stream started");
        }
    }

    private interface Acceptance {
        void await() throws Exception;
    }

    private JsonNode awaitStatus(String id, Set<String> finalStates) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            var response = Clients.get(gateway, "/v1/requests/" + id);
            if (response.statusCode() == 200) {
                last = Clients.json(response);
                if (finalStates.contains(last.path("status").asText())) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("request " + id + " never reached " + finalStates + "; last seen " + last);
    }
}
