package dev.baton.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load generator against a loopback server speaking the OpenAI streaming protocol with known timing: 5 text
 * chunks 20 ms apart, then a usage chunk and [DONE]; every third request is refused with 503.
 */
class BenchHttpMeasuresStreamsTest {
    private HttpServer server;
    private final AtomicInteger completions = new AtomicInteger();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/v1/models", exchange -> reply(exchange, 200, "application/json",
                "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\"}]}"));
        server.createContext("/v1/completions", this::complete);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void complete(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        clientPorts.add(exchange.getRemoteAddress().getPort());
        if (completions.incrementAndGet() % 3 == 0) {
            reply(exchange, 503, "application/json", "{\"error\":{\"message\":\"busy\"}}");
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 5; i++) {
                sleep(20);
                write(out, "data: {\"choices\":[{\"index\":0,\"text\":\"w" + i + " \",\"finish_reason\":null}]}\n\n");
            }
            write(out, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":5,\"timings\":{\"queue_ms\":0,\"prefill_ms\":5,\"decode_ms\":80}}}\n\ndata: [DONE]\n\n");
        }
    }

    @Test
    void reportsLatenciesThroughputAndErrors() throws Exception {
        BenchOptions options = BenchOptions.parse(new String[] {"--url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "--concurrency", "2", "--requests", "9", "--warmup", "0", "--max-tokens", "5"});
        BenchReport report = BenchHttp.run(options);
        assertEquals(9, report.requests());
        assertEquals(3, report.errors());
        assertEquals(30, report.tokens(), "5 tokens from each of 6 successful requests");
        assertTrue(report.ttftP50Ms() >= 15, "the first chunk comes after ~20 ms: " + report.ttftP50Ms());
        assertTrue(report.itlP50Ms() >= 15 && report.itlP50Ms() < 200, "chunks ~20 ms apart: " + report.itlP50Ms());
        assertTrue(report.tps() > 0);
        assertTrue(report.overheadP50Ms() >= 10 && report.overheadP50Ms() < report.ttftP50Ms(),
                "TTFT minus the 5 ms the server says its prefill took: " + report.overheadP50Ms());
        assertTrue(report.toTable().contains("pipeline prefill"));

        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertEquals(List.of("concurrency", "requests", "ttft_p50_ms", "ttft_p99_ms", "itl_p50_ms", "itl_p99_ms", "tps", "errors"),
                iterable(json));
        assertEquals(2, json.get("concurrency").asInt());
    }

    @Test
    void theWarmUpsConnectionsServeTheMeasuredRequests() {
        BenchOptions options = BenchOptions.parse(new String[] {"--url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "--concurrency", "2", "--requests", "4", "--warmup", "2", "--max-tokens", "5"});
        BenchReport report = BenchHttp.run(options);
        assertEquals(4, report.requests());
        assertEquals(2, clientPorts.size(), "one kept-alive connection per client for all six requests: " + clientPorts);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] ms = {5_000_000, 1_000_000, 3_000_000, 2_000_000, 4_000_000};
        assertEquals(3.0, BenchReport.percentileMs(ms, 50));
        assertEquals(5.0, BenchReport.percentileMs(ms, 99));
        assertEquals(0.0, BenchReport.percentileMs(new long[0], 50));
    }

    private static List<String> iterable(JsonNode json) {
        List<String> names = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
