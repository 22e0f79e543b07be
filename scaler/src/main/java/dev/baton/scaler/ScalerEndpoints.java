package dev.baton.scaler;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.scaler.scaling.ScalerMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The scaler's HTTP port: {@code GET /healthz} (the process answers: liveness and readiness; a standby replica is
 * healthy too) and {@code GET /metrics} (Prometheus text). The JDK's server: two tiny endpoints need no framework.
 */
public final class ScalerEndpoints implements AutoCloseable {
    private final HttpServer server;

    private ScalerEndpoints(HttpServer server) {
        this.server = server;
    }

    public static ScalerEndpoints start(int port, ScalerMetrics metrics) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
            server.createContext("/healthz", exchange -> answer(exchange, "text/plain", "ok\n"));
            server.createContext("/metrics", exchange -> answer(exchange, "text/plain; version=0.0.4",
                    metrics.render()));
            server.start();
            return new ScalerEndpoints(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, String type, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
