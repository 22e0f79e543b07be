package dev.baton.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bin/baton bench-http}: C clients, each streaming one completion at a time, until R requests are done.
 * Warm-up requests run first with the same concurrency and are not counted. Every request is bounded by a timeout,
 * so a run always ends.
 */
public final class BenchHttp {
    private BenchHttp() {
    }

    public static void main(String[] args) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench-http: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        try {
            BenchReport report = run(options);
            System.out.println(options.json() ? report.toJson() : report.toTable());
            System.exit(report.errors() == 0 ? 0 : 1);
        } catch (IllegalStateException e) {
            System.err.println("bench-http: " + e.getMessage());
            System.exit(1);
        }
    }

    static BenchReport run(BenchOptions options) {
        // HTTP/1.1, one kept-alive connection per client, as most OpenAI clients talk to a local server
        List<HttpConnection> connections = new ArrayList<>();
        for (int c = 0; c < options.concurrency(); c++) {
            connections.add(new HttpConnection(options.url(), options.timeout()));
        }
        try {
            String model = options.model() != null ? options.model() : firstModel(connections.getFirst(), options);
            if (options.warmup() > 0) {
                List<StreamedRequest.Timing> warm = drive(connections, options, model, options.warmup());
                long failed = warm.stream().filter(t -> t.error() != null).count();
                if (failed == warm.size()) {
                    throw new IllegalStateException("every warm-up request failed, e.g. " + warm.getFirst().error());
                }
            }
            long start = System.nanoTime();
            List<StreamedRequest.Timing> timings = drive(connections, options, model, options.requests());
            long wall = System.nanoTime() - start;
            timings.stream().filter(t -> t.error() != null).limit(3)
                    .forEach(t -> System.err.println("bench-http: request failed: " + t.error()));
            return BenchReport.of(options.concurrency(), timings, wall);
        } finally {
            connections.forEach(HttpConnection::close);
        }
    }

    /** Each client (a thread with its own connection) sends one request after the other until {@code count} are done. */
    private static List<StreamedRequest.Timing> drive(List<HttpConnection> connections, BenchOptions options,
                                                      String model, int count) {
        List<StreamedRequest.Timing> timings = Collections.synchronizedList(new ArrayList<>(count));
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService clients = Executors.newFixedThreadPool(connections.size())) {
            for (HttpConnection connection : connections) {
                clients.submit(() -> {
                    while (next.getAndIncrement() < count) {
                        timings.add(StreamedRequest.run(connection, options, model));
                    }
                });
            }
        } // close() waits for every client
        return timings;
    }

    private static String firstModel(HttpConnection connection, BenchOptions options) {
        try {
            HttpConnection.Response response = connection.exchange("GET", "/v1/models", null, null,
                    options.apiKey() == null ? null : "Bearer " + options.apiKey());
            String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
            if (response.status() != 200) {
                throw new IllegalStateException("GET /v1/models answered " + response.status() + ": " + body);
            }
            JsonNode models = new ObjectMapper().readTree(body).path("data");
            if (models.isEmpty()) {
                throw new IllegalStateException("GET /v1/models lists no model");
            }
            return models.get(0).path("id").asText();
        } catch (IOException e) {
            connection.close();
            throw new IllegalStateException("cannot reach " + options.url() + ": " + e);
        }
    }
}
