package dev.baton.scaler.drain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.logging.Logger;

/**
 * {@link PipelineDrain} over HTTP: {@code POST}, {@code GET} and {@code DELETE} on stage 0's {@code /drain}, with the
 * stages' admin token as bearer token when one is configured.
 */
public final class HttpPipelineDrain implements PipelineDrain {
    private static final Logger LOG = Logger.getLogger(HttpPipelineDrain.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IntFunction<URI> endpoint;
    private final HttpClient http;
    private final Duration timeout;
    private final Optional<BearerToken> adminToken;

    /**
     * @param endpoint   the {@code /drain} URI of pipeline i's stage 0
     * @param adminToken the stages' {@code baton.worker.admin-token}, if they have one
     */
    public HttpPipelineDrain(IntFunction<URI> endpoint, Duration timeout, Optional<BearerToken> adminToken) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.adminToken = adminToken;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public State drain(int ordinal) {
        return call(ordinal, "POST");
    }

    @Override
    public State state(int ordinal) {
        return call(ordinal, "GET");
    }

    @Override
    public State resume(int ordinal) {
        return call(ordinal, "DELETE");
    }

    private State call(int ordinal, String method) {
        URI uri = endpoint.apply(ordinal);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.noBody());
        adminToken.ifPresent(token -> request.header("Authorization", token.header()));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401) {
                LOG.severe(method + " " + uri + " answered 401 (" + response.body() + "): a configuration error, "
                        + (adminToken.isPresent()
                        ? "BATON_SCALER_ADMIN_TOKEN is not the stage's BATON_WORKER_ADMIN_TOKEN"
                        : "the stage has an admin token and BATON_SCALER_ADMIN_TOKEN is not set")
                        + "; the scaler cannot drain or resume pipelines until they match");
                return State.REFUSED;
            }
            if (response.statusCode() != 200) {
                LOG.warning(method + " " + uri + " answered " + response.statusCode() + ": " + response.body());
                return State.UNREACHABLE;
            }
            return parse(response.body());
        } catch (IOException e) {
            LOG.info(method + " " + uri + " failed: " + e);
            return State.UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return State.UNREACHABLE;
        }
    }

    /** The state in a {@code /drain} answer ({@code {"stage":0,"state":"draining","running":3}}). */
    static State parse(String body) throws IOException {
        JsonNode state = JSON.readTree(body).path("state");
        if (!state.isTextual()) {
            throw new IOException("no state in the drain answer: " + body);
        }
        try {
            return State.valueOf(state.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IOException("unknown drain state '" + state.asText() + "'");
        }
    }
}
