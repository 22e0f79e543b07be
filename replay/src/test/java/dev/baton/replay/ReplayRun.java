package dev.baton.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One run of the command as bin/baton would run it, with what it printed. */
record ReplayRun(int exitCode, String out, String err) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ReplayRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ReplayCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new ReplayRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The --json request lines. */
    List<JsonNode> requests() {
        return lines().stream().filter(line -> line.get("type").asText().equals("request")).toList();
    }

    /** The --json summary line (the last). */
    JsonNode summary() {
        JsonNode last = lines().getLast();
        if (!last.get("type").asText().equals("summary")) {
            throw new AssertionError("the last line is not the summary: " + out);
        }
        return last;
    }

    private List<JsonNode> lines() {
        List<JsonNode> lines = new ArrayList<>();
        try {
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line));
                }
            }
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON lines: " + out + err, e);
        }
        return lines;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n" + out + err;
    }
}
