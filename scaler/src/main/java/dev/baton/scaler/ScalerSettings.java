package dev.baton.scaler;

import dev.baton.kafka.BatonTopic;
import dev.baton.kafka.ConsumerGroups;
import dev.baton.scaler.drain.BearerToken;
import dev.baton.scaler.scaling.ScalingPolicy;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scaler's settings: each key {@code baton.scaler.x-y} is read as a system property or as the environment
 * variable {@code BATON_SCALER_X_Y} (k8s/README.md lists them). Durations are written {@code 500ms}, {@code 15s}, {@code 5m}, {@code 1h}.
 */
public record ScalerSettings(String bootstrapServers, String namespace, String identity, String stageSelector,
                             String consumerGroup, String requestTopic, ScalingPolicy policy, Duration interval,
                             Duration drainTimeout, String lease, Duration leaseDuration, Duration renewDeadline,
                             Duration retryPeriod, int port, Optional<BearerToken> adminToken) {

    /** Reads the settings through {@code lookup} (key → value or null), with the documented defaults. */
    public static ScalerSettings read(UnaryOperator<String> lookup) {
        Reader r = new Reader(lookup);
        ScalingPolicy policy = new ScalingPolicy(r.integer("baton.scaler.lag-per-pipeline", 16),
                r.integer("baton.scaler.min-pipelines", 1), r.integer("baton.scaler.max-pipelines", 8),
                r.decimal("baton.scaler.tolerance", 0.1), r.duration("baton.scaler.scale-up-cooldown", "30s"),
                r.duration("baton.scaler.scale-down-window", "5m"));
        return new ScalerSettings(r.text("kafka.bootstrap.servers", "127.0.0.1:19092"),
                r.text("baton.scaler.namespace", "default"), r.text("baton.scaler.identity", hostName()),
                r.text("baton.scaler.stage-selector", "app.kubernetes.io/name=baton-worker"),
                r.text("baton.scaler.consumer-group", ConsumerGroups.PIPELINES),
                r.text("baton.scaler.request-topic", BatonTopic.REQUESTS.topicName()), policy,
                r.duration("baton.scaler.interval", "15s"), r.duration("baton.scaler.drain-timeout", "10m"),
                r.text("baton.scaler.lease", "baton-scaler"), r.duration("baton.scaler.lease-duration", "15s"),
                r.duration("baton.scaler.renew-deadline", "10s"), r.duration("baton.scaler.retry-period", "2s"),
                r.integer("baton.scaler.port", 8080), r.bearerToken("baton.scaler.admin-token"));
    }

    /** System properties first, then the environment ({@code baton.scaler.max-pipelines} → BATON_SCALER_MAX_PIPELINES). */
    public static String fromSystem(String key) {
        String value = System.getProperty(key);
        return value != null ? value
                : System.getenv(key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"));
    }

    private static String hostName() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "baton-scaler-" + ProcessHandle.current().pid() : host;
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private record Reader(UnaryOperator<String> lookup) {
        String text(String key, String fallback) {
            String value = lookup.apply(key);
            return value == null || value.isBlank() ? fallback : value.strip();
        }

        Optional<BearerToken> bearerToken(String key) {
            return Optional.ofNullable(text(key, null)).map(value -> BearerToken.of(key, value));
        }

        int integer(String key, int fallback) {
            String value = text(key, Integer.toString(fallback));
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": '" + value + "' is not a whole number");
            }
        }

        double decimal(String key, double fallback) {
            String value = text(key, Double.toString(fallback));
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": '" + value + "' is not a number");
            }
        }

        Duration duration(String key, String fallback) {
            String value = text(key, fallback);
            Matcher m = DURATION.matcher(value);
            if (!m.matches()) {
                throw new IllegalArgumentException(key + ": '" + value + "' is not a duration (e.g. 500ms, 15s, 5m)");
            }
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
    }
}
