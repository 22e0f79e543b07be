package dev.baton.gateway.status;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * What the requests through this gateway did, as Prometheus metrics (GET /metrics, {@code baton_gateway_*}): how
 * they ended, how many tokens they read and generated, time to the first token and to the end (both from when the
 * gateway received the request, so they include tokenization and both Kafka hops).
 */
@ApplicationScoped
public class RequestMetrics {
    private final MeterRegistry registry;
    private final Timer firstToken;
    private final Timer wholeRequest;
    private final Counter promptTokens;
    private final Counter generatedTokens;

    RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.firstToken = latency("baton.gateway.time.to.first.token", "from receiving a request to its first token");
        this.wholeRequest = latency("baton.gateway.request.duration", "from receiving a request to its end");
        this.promptTokens = Counter.builder("baton.gateway.prompt.tokens").description("prompt tokens of ended requests")
                .register(registry);
        this.generatedTokens = Counter.builder("baton.gateway.generated.tokens")
                .description("tokens generated for ended requests").register(registry);
    }

    private Timer latency(String name, String help) {
        return Timer.builder(name).description(help).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    void firstToken(RequestRecord record) {
        firstToken.record(elapsedSince(record.createdAtMs()));
    }

    void ended(RequestRecord.Snapshot request) {
        registry.counter("baton.gateway.requests.ended", "state", request.state().wireName()).increment();
        promptTokens.increment(request.promptTokens());
        generatedTokens.increment(request.completionTokens());
        wholeRequest.record(elapsedSince(request.createdAtMs()));
    }

    private static Duration elapsedSince(long epochMillis) {
        return Duration.ofMillis(Math.max(0, System.currentTimeMillis() - epochMillis));
    }
}
