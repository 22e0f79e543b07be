package dev.baton.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.proto.FinishReason;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a replay run prints: one line per request as its answer completes, then a summary. As text for people, or with
 * {@code --json} one JSON object per line ({@code "type": "request"}, and {@code "type": "summary"} last) whose keys
 * are documented in replay/README.md and kept stable.
 */
final class Report {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final boolean json;
    private final String mode;
    private final String runId;
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    /** Compare reports differences; only failures make it fail. */
    private final boolean differencesAreFindings;
    private long tokensCompared;

    Report(PrintStream out, boolean json, String mode, String runId, List<String> statuses,
           boolean differencesAreFindings) {
        this.differencesAreFindings = differencesAreFindings;
        this.out = out;
        this.json = json;
        this.mode = mode;
        this.runId = runId;
        statuses.forEach(status -> counts.put(status, 0));
    }

    static Report verify(PrintStream out, boolean json, String runId, boolean compare) {
        return new Report(out, json, compare ? "compare" : "verify", runId, java.util.Arrays
                .stream(Verdict.Status.values()).map(Verdict.Status::jsonName).toList(), compare);
    }

    static Report resume(PrintStream out, boolean json, String runId) {
        return new Report(out, json, "resume", runId, List.of("resumed", "resume_failed", "diverged"), false);
    }

    /** A verify line: how the re-driven copy compared with the recorded answer. */
    void verified(LoggedRequest logged, String replayRequestId, Verdict verdict, long elapsedMs) {
        String status = verdict.status().jsonName();
        count(status, verdict.tokensCompared());
        if (json) {
            ObjectNode line = line(logged, status);
            line.put("replay_request_id", replayRequestId);
            comparison(line, verdict);
            line.put("detail", verdict.detail());
            line.put("elapsed_ms", elapsedMs);
            out.println(line);
            return;
        }
        String what = switch (verdict.status()) {
            case IDENTICAL -> verdict.tokensCompared() + " tokens";
            case DIVERGED -> "expected " + describe(verdict.expected()) + ", got " + describe(verdict.got())
                    + " (" + verdict.tokensCompared() + " tokens equal before)";
            case ORIGINAL_UNFINISHED, REPLAY_FAILED -> verdict.detail() + " (" + verdict.tokensCompared()
                    + " tokens equal)";
        };
        String label = verdict.status() == Verdict.Status.DIVERGED ? "diverged at " + verdict.index()
                : status.replace('_', ' ');
        out.printf("%-20s %s (%s)  %s%n", label, logged.id(), logged.position(), what);
    }

    /**
     * A resume line. {@code againstDelivered} compares the new answer with the events delivered before the outage:
     * a difference there means the client saw the first part of one answer and the rest of another.
     */
    void resumed(LoggedRequest logged, Redrive.Outcome outcome, Verdict againstDelivered) {
        Answer answer = outcome.answer();
        String status;
        String detail = null;
        if (againstDelivered.status() == Verdict.Status.DIVERGED) {
            status = "diverged";
        } else if (outcome.problem() != null) {
            status = "resume_failed";
            detail = outcome.problem();
        } else if (answer.finishReason() == FinishReason.FINISH_REASON_ERROR) {
            status = "resume_failed";
            detail = "the pipeline answered with an error: " + answer.events().getLast().getError().getMessage();
        } else {
            status = "resumed";
        }
        count(status, againstDelivered.tokensCompared());
        String finish = Step.finishName(answer.finishReason());
        if (json) {
            ObjectNode line = line(logged, status);
            line.put("tokens", answer.tokens());
            line.put("finish_reason", finish);
            comparison(line, againstDelivered);
            line.put("detail", detail);
            line.put("elapsed_ms", outcome.elapsedMs());
            out.println(line);
            return;
        }
        String what = switch (status) {
            case "resumed" -> answer.tokens() + " tokens, " + finish + " (the first " + againstDelivered.tokensCompared()
                    + " were delivered before and match)";
            case "diverged" -> "at index " + againstDelivered.index() + ": delivered " + describe(againstDelivered.expected())
                    + ", regenerated " + describe(againstDelivered.got());
            default -> detail;
        };
        out.printf("%-20s %s (%s)  %s%n", status.replace('_', ' '), logged.id(), logged.position(), what);
    }

    /** The last line. {@code alreadyFinished}: requests in range that needed nothing (resume). */
    void summary(RequestLogReader.Read read, int alreadyFinished, String bootstrap, long wallMs) {
        if (json) {
            ObjectNode line = JSON.createObjectNode();
            line.put("type", "summary");
            line.put("mode", mode);
            line.put("run_id", runId);
            line.put("requests", read.requests().size());
            counts.forEach(line::put);
            if (mode.equals("resume")) {
                line.put("already_finished", alreadyFinished);
            }
            line.put("tokens_compared", tokensCompared);
            line.put("undeserializable", read.undeserializable());
            line.put("replays_skipped", read.replaysSkipped());
            line.put("limit_reached", read.limited());
            line.put("wall_ms", wallMs);
            out.println(line);
            return;
        }
        StringBuilder s = new StringBuilder();
        s.append(mode).append(" run ").append(runId).append(" on ").append(bootstrap).append(": ")
                .append(read.requests().size()).append(read.requests().size() == 1 ? " request" : " requests");
        if (mode.equals("resume")) {
            s.append(", ").append(alreadyFinished).append(" already finished");
        }
        s.append(": ");
        counts.forEach((status, n) -> s.append(n).append(' ').append(status.replace('_', ' ')).append(", "));
        s.setLength(s.length() - 2);
        s.append("; ").append(tokensCompared).append(" tokens compared; ")
                .append(String.format(Locale.ROOT, "%.1f s", wallMs / 1000.0));
        if (read.undeserializable() > 0 || read.replaysSkipped() > 0) {
            s.append(System.lineSeparator()).append("skipped ").append(read.undeserializable())
                    .append(" undeserializable record(s) and ").append(read.replaysSkipped())
                    .append(" record(s) that are themselves replays");
        }
        if (read.limited()) {
            s.append(System.lineSeparator()).append("--limit reached: the range holds more requests");
        }
        out.println(s);
    }

    /** Whether anything failed, or diverged where it must not (the exit status). */
    boolean anyBad() {
        return counts.entrySet().stream().anyMatch(e -> e.getValue() > 0
                && ((e.getKey().equals("diverged") && !differencesAreFindings) || e.getKey().endsWith("_failed")));
    }

    private void count(String status, int tokens) {
        counts.merge(status, 1, Integer::sum);
        tokensCompared += tokens;
    }

    private ObjectNode line(LoggedRequest logged, String status) {
        ObjectNode line = JSON.createObjectNode();
        line.put("type", "request");
        line.put("request_id", logged.id());
        line.put("topic", logged.topic());
        line.put("partition", logged.partition());
        line.put("offset", logged.offset());
        line.put("status", status);
        return line;
    }

    private static void comparison(ObjectNode line, Verdict verdict) {
        line.put("tokens_compared", verdict.tokensCompared());
        if (verdict.index() >= 0) {
            line.put("index", verdict.index());
        } else {
            line.putNull("index");
        }
        step(line, "expected", verdict.expected());
        step(line, "got", verdict.got());
    }

    private static void step(ObjectNode line, String key, Step step) {
        if (step == null) {
            line.putNull(key);
            return;
        }
        ObjectNode node = line.putObject(key);
        if (step.tokenId() == null) {
            node.putNull("token_id");
        } else {
            node.put("token_id", step.tokenId());
        }
        node.put("text", step.text());
        node.put("finish_reason", Step.finishName(step.finish()));
        node.put("error", step.isError() ? Step.errorName(step.error()) : null);
    }

    private static String describe(Step step) {
        return step == null ? "nothing" : step.describe();
    }
}
