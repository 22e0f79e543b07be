package dev.baton.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One streaming completion, timed as a client sees it: time to the first chunk carrying text, and the gaps between
 * successive text chunks (inter-token latency). Tokens are counted from the final usage chunk when the server sends
 * one, else from the text chunks.
 */
final class StreamedRequest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What one request measured; {@code error} is null when it succeeded. {@code prefillMs} is the pipeline's own
     * time from admission to the first token when the server reports it (Baton's {@code usage.timings}), else -1.
     */
    record Timing(long ttftNanos, long[] gapsNanos, int tokens, long prefillMs, String error) {
        static Timing failed(String error) {
            return new Timing(0, new long[0], 0, -1, error);
        }
    }

    private StreamedRequest() {
    }

    static Timing run(HttpConnection connection, BenchOptions options, String model) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("prompt", options.prompt())
                .put("max_tokens", options.maxTokens()).put("temperature", 0).put("stream", true)
                .put("ignore_eos", true);
        body.putObject("stream_options").put("include_usage", true);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        String authorization = options.apiKey() == null ? null : "Bearer " + options.apiKey();
        long start = System.nanoTime();
        try {
            HttpConnection.Response response = connection.exchange("POST", "/v1/completions", "application/json",
                    bytes, authorization);
            BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
            Timing timing = response.status() != 200
                    ? Timing.failed("HTTP " + response.status() + ": " + firstLine(reader))
                    : read(reader, start);
            response.body().transferTo(OutputStream.nullOutputStream()); // to the body's end, so the connection can be reused
            return timing;
        } catch (IOException e) {
            connection.close();
            return Timing.failed(e.toString());
        }
    }

    private static Timing read(BufferedReader reader, long start) throws IOException {
        long first = 0;
        long last = 0;
        long[] gaps = new long[64];
        int gapCount = 0;
        int textChunks = 0;
        int usageTokens = -1;
        long prefillMs = -1;
        boolean done = false;
        String line;
        while ((line = reader.readLine()) != null) {
            if (!line.startsWith("data:")) {
                continue;
            }
            long now = System.nanoTime();
            String data = line.substring(5).strip();
            if (data.equals("[DONE]")) {
                done = true;
                break;
            }
            StreamChunk chunk = StreamChunk.parse(data);
            if (chunk.error() != null) {
                return Timing.failed("stream error: " + chunk.error());
            }
            if (chunk.completionTokens() >= 0) {
                usageTokens = chunk.completionTokens();
                prefillMs = chunk.prefillMs();
            }
            if (chunk.text().isEmpty()) {
                continue;
            }
            textChunks++;
            if (first == 0) {
                first = now;
            } else {
                if (gapCount == gaps.length) {
                    gaps = java.util.Arrays.copyOf(gaps, gapCount * 2);
                }
                gaps[gapCount++] = now - last;
            }
            last = now;
        }
        if (!done) {
            return Timing.failed("the stream ended without [DONE]");
        }
        if (first == 0) {
            return Timing.failed("no token arrived");
        }
        return new Timing(first - start, java.util.Arrays.copyOf(gaps, gapCount),
                usageTokens >= 0 ? usageTokens : textChunks, prefillMs, null);
    }

    private static String firstLine(BufferedReader reader) throws IOException {
        String line = reader.readLine();
        return line == null ? "" : line.length() > 300 ? line.substring(0, 300) : line;
    }
}
