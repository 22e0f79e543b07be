package dev.baton.replay;

import dev.baton.kafka.BatonTopic;
import dev.baton.kafka.ConsumerGroups;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of {@code bin/baton replay}:
 * <pre>
 *   [--bootstrap HOST:PORT] (--since TIME|DURATION [--until TIME|DURATION] | --offsets P:FROM-TO[,...])
 *   [--mode verify|compare|resume] [--model NAME] [--limit N] [--concurrency C] [--timeout DURATION] [--topic NAME]
 *   [--pipeline-group NAME] [--json]
 * </pre>
 * TIME is ISO-8601 ({@code 2026-11-30T12:00:00Z}, an offset instead of Z is fine); DURATION counts back from now
 * ({@code 90s}, {@code 15m}, {@code 2h}, {@code 1d}, or ISO {@code PT15M}). Offsets are half-open like every range in
 * Baton ({@code 3:100-200} is offsets 100..199 of partition 3); {@code 3:100-} runs to the partition's end.
 * {@code --topic} names the request log to read (default baton.requests, e.g. a mirror of it); what is re-driven is
 * always published to baton.requests, where the pipelines consume.
 */
record ReplayOptions(String bootstrap, RequestSelection selection, Mode mode, String model, int limit,
                     int concurrency, Duration timeout, String topic, String pipelineGroup, boolean json) {

    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:19092";

    enum Mode {
        /** Same model and build: every answer must come back identical. */
        VERIFY,
        /** Another model or build: a report of where answers differ, not a failure. */
        COMPARE,
        /** Finish what an outage left without a terminal event. */
        RESUME
    }

    /** A command line that cannot be run as written; the message says why. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    private static final java.util.Set<String> WITH_VALUE = java.util.Set.of("--bootstrap", "--since", "--until",
            "--offsets", "--mode", "--model", "--limit", "--concurrency", "--timeout", "--topic", "--pipeline-group");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern OFFSET_SPAN = Pattern.compile("(\\d+):(\\d+)-(\\d*)");

    static ReplayOptions parse(String[] args, Instant now) {
        String bootstrap = DEFAULT_BOOTSTRAP;
        Instant since = null;
        Instant until = null;
        List<RequestSelection.OffsetSpan> offsets = null;
        Mode mode = Mode.VERIFY;
        String model = null;
        int limit = Integer.MAX_VALUE;
        int concurrency = 8;
        Duration timeout = Duration.ofMinutes(5);
        String topic = BatonTopic.REQUESTS.topicName();
        String pipelineGroup = ConsumerGroups.PIPELINES;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--json")) {
                json = true;
                continue;
            }
            if (!WITH_VALUE.contains(flag)) {
                throw new UsageException("unknown option " + flag);
            }
            if (i + 1 >= args.length) {
                throw new UsageException("missing value for " + flag);
            }
            String value = args[++i];
            switch (flag) {
                case "--bootstrap" -> bootstrap = value;
                case "--since" -> since = time(flag, value, now);
                case "--until" -> until = time(flag, value, now);
                case "--offsets" -> offsets = offsets(value);
                case "--mode" -> mode = switch (value) {
                    case "verify" -> Mode.VERIFY;
                    case "compare" -> Mode.COMPARE;
                    case "resume" -> Mode.RESUME;
                    default -> throw new UsageException("--mode is verify, compare or resume, got '" + value + "'");
                };
                case "--model" -> model = value;
                case "--limit" -> limit = positive(flag, value);
                case "--concurrency" -> concurrency = positive(flag, value);
                case "--timeout" -> timeout = duration(flag, value);
                case "--topic" -> topic = value;
                case "--pipeline-group" -> pipelineGroup = value;
                default -> throw new IllegalStateException(flag); // WITH_VALUE and the cases disagree
            }
        }
        if (model != null && mode == Mode.RESUME) {
            throw new UsageException("--model does not go with --mode resume: a resumed request must run as it ran");
        }
        RequestSelection selection;
        if (offsets != null) {
            if (since != null || until != null) {
                throw new UsageException("give either --since/--until or --offsets, not both");
            }
            selection = new RequestSelection.Offsets(offsets);
        } else if (since != null) {
            Instant end = until == null ? now : until;
            if (!since.isBefore(end)) {
                throw new UsageException("the range is empty: --since " + since + " is not before " + end);
            }
            selection = new RequestSelection.TimeRange(since, until);
        } else {
            throw new UsageException(until != null ? "--until needs --since" : "say which requests: --since or --offsets");
        }
        return new ReplayOptions(bootstrap, selection, mode, model, limit, concurrency, timeout, topic, pipelineGroup, json);
    }

    private static Instant time(String flag, String value, Instant now) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notAnInstant) {
            return now.minus(duration(flag, value));
        }
    }

    static Duration duration(String flag, String value) {
        Matcher m = SHORT_DURATION.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            Duration d = Duration.parse(value);
            if (!d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException ignored) {
            // reported below with the accepted forms
        }
        throw new UsageException(flag + " expects an ISO-8601 time (2026-11-30T12:00:00Z) or a duration (90s, 15m, 2h,"
                + " 1d, PT15M), got '" + value + "'");
    }

    private static List<RequestSelection.OffsetSpan> offsets(String value) {
        List<RequestSelection.OffsetSpan> spans = new ArrayList<>();
        for (String part : value.split(",")) {
            Matcher m = OFFSET_SPAN.matcher(part.trim());
            if (!m.matches()) {
                throw new UsageException("--offsets expects PARTITION:FROM-TO[,...] (TO excluded, may be left out), got '"
                        + part + "'");
            }
            try {
                int partition = Integer.parseInt(m.group(1));
                long from = Long.parseLong(m.group(2));
                long to = m.group(3).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(3));
                if (to <= from) {
                    throw new UsageException("the range " + part + " is empty (TO is excluded)");
                }
                spans.add(new RequestSelection.OffsetSpan(partition, from, to));
            } catch (NumberFormatException e) {
                throw new UsageException("number out of range in --offsets " + part);
            }
        }
        return spans;
    }

    private static int positive(String flag, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(flag + " expects a positive whole number, got '" + value + "'");
    }
}
