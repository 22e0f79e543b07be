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

    /** The completion every request asks for: greedy, end-of-generation ignored, streamed with usage. */
    static byte[] body(BenchOptions options, String model) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("prompt", options.prompt())
                .put("max_tokens", options.maxTokens()).put("temperature", 0).put("stream", true)
                .put("ignore_eos", true);
        body.putObject("stream_options").put("include_usage", true);
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String authorization(BenchOptions options) {
        return options.apiKey() == null ? null : "Bearer " + options.apiKey();
    }

    /** Sends one request over a blocking connection and reads its stream on the calling thread. */
    static Timing run(HttpConnection connection, BenchOptions options, String model) {
        byte[] bytes = body(options, model);
        String authorization = authorization(options);
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
        StreamTiming timing = new StreamTiming(start);
        String line;
        while ((line = reader.readLine()) != null) {
            if (timing.line(line, System.nanoTime())) {
                break;
            }
        }
        return timing.result();
    }

    private static String firstLine(BufferedReader reader) throws IOException {
        String line = reader.readLine();
        return line == null ? "" : line.length() > 300 ? line.substring(0, 300) : line;
    }
}
