package dev.baton.gateway.system;

import static dev.baton.gateway.system.GatewaySystem.API_KEY;
import static dev.baton.gateway.system.GatewaySystem.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A client that goes away: a stream cancels its request; every request can be read back by id. */
class DisconnectIT {
    private static GatewaySystem system;

    @BeforeAll
    static void start() {
        system = GatewaySystem.get();
        system.awaitPipelineSeen(system.gatewayA);
    }

    @Test
    void aStreamingClientThatDisconnectsCancelsItsRequest() throws IOException {
        String id = "slow-stream-" + System.nanoTime();
        try (Socket socket = send(id, true)) {
            readUntil(socket.getInputStream(), "data: ");
        } // closed after the first token
        awaitTrue(() -> system.pipeline.cancels.contains(id), "a Control cancel for " + id);
        JsonNode status = awaitStatus(system.gatewayA, id, "cancelled");
        assertEquals("cancelled", status.get("result").get("choices").get(0).get("finish_reason").asText());
        assertTrue(status.get("result").get("choices").get(0).get("text").asText().startsWith("w0 "));
    }

    @Test
    void aNonStreamingClientThatDisconnectsCanReadItsAnswerBack() throws IOException {
        String id = "slow-whole-" + System.nanoTime();
        try (Socket socket = send(id, false)) {
            awaitTrue(() -> system.pipeline.requests.containsKey(id), "the request to be published");
        }
        JsonNode status = awaitStatus(system.gatewayA, id, "completed");
        assertEquals("w0 w1 w2 w3 w4 w5 ", status.get("result").get("choices").get(0).get("text").asText());
        assertEquals(6, status.get("result").get("usage").get("completion_tokens").asInt());
        assertFalse(system.pipeline.cancels.contains(id));

        // another instance never saw it: it rebuilds the answer from the reply log
        var elsewhere = Api.get(system.gatewayB, "/v1/requests/" + id, Map.of("Authorization", "Bearer " + API_KEY));
        assertEquals(200, elsewhere.statusCode(), elsewhere.body());
        JsonNode rebuilt = Api.json(elsewhere.body());
        assertEquals("completed", rebuilt.get("status").asText());
        assertEquals(MODEL, rebuilt.get("model").asText());
        assertEquals("w0 w1 w2 w3 w4 w5 ", rebuilt.get("result").get("choices").get(0).get("text").asText());
    }

    @Test
    void aNonStreamingRequestWhoseClientClosesAtOnceIsStillPublishedAndAnswered() throws IOException {
        String id = "closed-at-once-" + System.nanoTime();
        send(id, false).close(); // before the gateway has even tokenized the prompt

        awaitTrue(() -> system.pipeline.requests.containsKey(id), "the request to be published");
        JsonNode status = awaitStatus(system.gatewayA, id, "completed");
        assertEquals("w0 w1 w2 w3 w4 w5 ", status.get("result").get("choices").get(0).get("text").asText());
        assertFalse(system.pipeline.cancels.contains(id));
        var elsewhere = Api.get(system.gatewayB, "/v1/requests/" + id, Map.of("Authorization", "Bearer " + API_KEY));
        assertEquals(200, elsewhere.statusCode(), elsewhere.body());
        assertEquals("completed", Api.json(elsewhere.body()).get("status").asText());
    }

    @Test
    void aGeneratedIdIsFoundInTheLogByItsTime() {
        var response = Api.post(system.gatewayA, "/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"max_tokens\":3}");
        String id = Api.json(response.body()).get("id").asText();
        var rebuilt = Api.get(system.gatewayB, "/v1/requests/" + id, Map.of("Authorization", "Bearer " + API_KEY));
        assertEquals(200, rebuilt.statusCode(), rebuilt.body());
        assertEquals("w0 w1 w2 ", Api.json(rebuilt.body()).get("result").get("choices").get(0).get("text").asText());
    }

    /** A raw HTTP/1.1 request, so the test decides exactly when the connection closes. */
    private static Socket send(String id, boolean stream) throws IOException {
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"max_tokens\":6,\"stream\":" + stream + "}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), system.gatewayA.port());
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Request-Id: " + id + "\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return socket;
    }

    private static void readUntil(InputStream in, String marker) throws IOException {
        StringBuilder seen = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            seen.append((char) b);
            if (seen.indexOf(marker) >= 0) {
                return;
            }
        }
        throw new IOException("connection ended before '" + marker + "': " + seen);
    }

    private static JsonNode awaitStatus(ServiceProcess gateway, String id, String wanted) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            var response = Api.get(gateway, "/v1/requests/" + id);
            if (response.statusCode() == 200) {
                status = Api.json(response.body());
                if (wanted.equals(status.get("status").asText())) {
                    return status;
                }
            }
            ServiceProcess.sleep(100);
        }
        throw new AssertionError("request " + id + " never reached " + wanted + "; last: " + status);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            ServiceProcess.sleep(50);
        }
    }
}
