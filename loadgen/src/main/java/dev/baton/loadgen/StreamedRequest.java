package dev.baton.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One streaming completion, timed as a client sees it: time to the first chunk carrying text, and the gaps between
 * successive text chunks (inter-token latency). Tokens are counted from the final usage chunk when the server sends
 * one, else from the text chunks.
 */
final class StreamedRequest {
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
        return ("{\"model\":" + quote(model) + ",\"prompt\":" + quote(options.prompt()) + ",\"max_tokens\":"
                + options.maxTokens() + ",\"temperature\":0,\"stream\":true,\"ignore_eos\":true,"
                + "\"stream_options\":{\"include_usage\":true}}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A JSON string of {@code text}. Written by hand rather than with a JSON library: building Jackson's ObjectMapper
     * was half of bench-http's start-up CPU, on the cores of the system it measures.
     */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    static String authorization(BenchOptions options) {
        return options.apiKey() == null ? null : "Bearer " + options.apiKey();
    }

    /** The whole HTTP request every client sends: POST /v1/completions with {@link #body}. */
    static byte[] request(BenchOptions options, String model) {
        return HttpConnection.request(options.url(), "POST", "/v1/completions", "application/json", body(options, model),
                authorization(options));
    }

    /** Sends one request (from {@link #request}) over a blocking connection and reads its stream on the calling thread. */
    static Timing run(HttpConnection connection, byte[] request) {
        StreamTiming timing = new StreamTiming(System.nanoTime());
        try {
            connection.exchange(request, timing);
            return timing.result();
        } catch (IOException e) {
            return Timing.failed(e.toString());
        }
    }
}
