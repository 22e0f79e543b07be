package dev.baton.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
        // HTTP/1.1, one connection per client, as most OpenAI clients talk to a local server
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        String model = options.model() != null ? options.model() : firstModel(client, options);
        if (options.warmup() > 0) {
            List<StreamedRequest.Timing> warm = drive(client, options, model, options.warmup());
            long failed = warm.stream().filter(t -> t.error() != null).count();
            if (failed == warm.size()) {
                throw new IllegalStateException("every warm-up request failed, e.g. " + warm.getFirst().error());
            }
        }
        long start = System.nanoTime();
        List<StreamedRequest.Timing> timings = drive(client, options, model, options.requests());
        long wall = System.nanoTime() - start;
        timings.stream().filter(t -> t.error() != null).limit(3)
                .forEach(t -> System.err.println("bench-http: request failed: " + t.error()));
        return BenchReport.of(options.concurrency(), timings, wall);
    }

    private static List<StreamedRequest.Timing> drive(HttpClient client, BenchOptions options, String model, int count) {
        List<StreamedRequest.Timing> timings = Collections.synchronizedList(new ArrayList<>(count));
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService clients = Executors.newFixedThreadPool(options.concurrency())) {
            for (int c = 0; c < options.concurrency(); c++) {
                clients.submit(() -> {
                    while (next.getAndIncrement() < count) {
                        timings.add(StreamedRequest.run(client, options, model));
                    }
                });
            }
        } // close() waits for every client
        return timings;
    }

    private static String firstModel(HttpClient client, BenchOptions options) {
        HttpRequest.Builder request = HttpRequest.newBuilder(options.url().resolve("/v1/models")).timeout(Duration.ofSeconds(30));
        if (options.apiKey() != null) {
            request.header("Authorization", "Bearer " + options.apiKey());
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /v1/models answered " + response.statusCode() + ": " + response.body());
            }
            JsonNode models = new ObjectMapper().readTree(response.body()).path("data");
            if (models.isEmpty()) {
                throw new IllegalStateException("GET /v1/models lists no model");
            }
            return models.get(0).path("id").asText();
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach " + options.url() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
