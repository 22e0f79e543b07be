package dev.baton.scaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.scaler.scaling.ScalerMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The scaler's HTTP port: /healthz answers, /metrics is Prometheus text with the current values, other methods 405. */
class EndpointsServeHealthAndMetricsTest {

    @Test
    void healthAndMetricsAnswerOverHttp() throws Exception {
        ScalerMetrics metrics = new ScalerMetrics();
        metrics.pipelines.set(3);
        metrics.lag.set(42);
        try (ScalerEndpoints endpoints = ScalerEndpoints.start(0, metrics);
             HttpClient http = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + endpoints.port();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());

            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            assertTrue(scrape.body().contains("# TYPE baton_scaler_pipelines gauge\nbaton_scaler_pipelines 3\n"),
                    scrape.body());
            assertTrue(scrape.body().contains("baton_scaler_request_lag 42\n"), scrape.body());
            assertTrue(scrape.body().contains("baton_scaler_draining_pipeline -1\n"), scrape.body());

            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }
}
