package dev.baton.gateway.system;

import static dev.baton.gateway.system.GatewaySystem.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** GET /metrics: Prometheus text with what the requests did (how they ended, tokens, time to first token). */
class MetricsIT {
    private static final String ENDED = "baton_gateway_requests_ended_total{state=\"completed\"}";
    private static final GatewaySystem system = GatewaySystem.get();

    @Test
    void anAnsweredRequestShowsInTheCountersAndTheLatencyHistograms() {
        system.awaitPipelineSeen(system.gatewayA);
        String before = metrics();
        HttpResponse<String> response = Api.post(system.gatewayA, "/v1/completions",
                "{\"model\":\"" + MODEL + "\",\"prompt\":\"Once upon a time\",\"max_tokens\":4}");
        assertEquals(200, response.statusCode(), response.body());
        // the answer can reach the client a moment before its request is counted as ended
        String after = metrics();
        for (long deadline = System.nanoTime() + 5_000_000_000L; System.nanoTime() < deadline
                && value(after, ENDED) < value(before, ENDED) + 1; after = metrics()) {
            LockSupport.parkNanos(20_000_000);
        }

        assertTrue(value(after, ENDED) >= value(before, ENDED) + 1, after);
        assertTrue(value(after, "baton_gateway_generated_tokens_total")
                >= value(before, "baton_gateway_generated_tokens_total") + 4, after);
        assertTrue(value(after, "baton_gateway_prompt_tokens_total")
                >= value(before, "baton_gateway_prompt_tokens_total") + 5, after);
        assertTrue(value(after, "baton_gateway_time_to_first_token_seconds_count")
                >= value(before, "baton_gateway_time_to_first_token_seconds_count") + 1, after);
        assertTrue(after.contains("baton_gateway_request_duration_seconds_bucket{le="), after);
        assertTrue(after.contains("baton_gateway_requests_active "), after);
        assertTrue(after.contains("jvm_memory_used_bytes"), "JVM metrics come along");
    }

    private static String metrics() {
        HttpResponse<String> response = Api.get(system.gatewayA, "/metrics");
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The sample's value, 0 when the series does not exist yet. */
    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
