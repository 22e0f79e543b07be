package dev.baton.scaler.drain;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stage 0's {@code /drain} on a real loopback HTTP server, answering as the worker does (worker/README.md): with
 * an admin token, {@code POST} and {@code DELETE} need it as bearer token and get 401 otherwise; {@code GET} is open.
 * A drain finishes at once (no requests run). It keeps every {@code Authorization} header it was sent.
 */
public final class StandInStageZero implements AutoCloseable {
    private final HttpServer server;
    private final Optional<String> adminToken;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile String state = "serving";

    public StandInStageZero(Optional<String> adminToken) throws IOException {
        this.adminToken = adminToken;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/drain", this::answer);
        server.start();
    }

    public URI drainUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/drain");
    }

    /** The {@code Authorization} header of each call so far ("none" where there was none). */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    public String state() {
        return state;
    }

    private void answer(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(authorization == null ? "none" : authorization);
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && adminToken.isPresent()
                && !("Bearer " + adminToken.get()).equals(authorization)) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"baton-worker\"");
            send(exchange, 401, "{\"error\":\"the bearer token is not this stage's admin token\"}");
            return;
        }
        switch (method) {
            case "POST" -> state = "drained";
            case "DELETE" -> state = "serving";
            default -> {
            }
        }
        send(exchange, 200, "{\"stage\":0,\"state\":\"" + state + "\",\"running\":0}");
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
