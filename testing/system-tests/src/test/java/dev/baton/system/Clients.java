package dev.baton.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The two kinds of client the tests use: the official OpenAI SDK, and plain HTTP for what an SDK would not send. */
final class Clients {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Clients() {
    }

    /** The SDK pointed at a gateway; no retries, so a refusal surfaces as the gateway sent it. */
    static OpenAIClient openAi(String gatewayUrl) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(gatewayUrl + "/v1")
                .apiKey("not-needed-locally")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(120))
                .build();
    }

    static HttpResponse<String> post(String gatewayUrl, String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(gatewayUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static HttpResponse<String> get(String gatewayUrl, String path) {
        return send(HttpRequest.newBuilder(URI.create(gatewayUrl + path)).GET());
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON (status " + response.statusCode() + "): " + response.body(), e);
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
