package dev.baton.loadgen;

import java.io.IOException;
import java.util.Arrays;

/**
 * Times one streamed completion from its event-stream lines, as a client sees them: the time to the first chunk
 * carrying text and the gaps between successive text chunks. Tokens are counted from the final usage chunk when the
 * server sends one, else from the text chunks. Fed line by line, whoever reads the connection.
 */
final class StreamTiming {
    private final long start;
    private long first;
    private long last;
    private long[] gaps = new long[64];
    private int gapCount;
    private int textChunks;
    private int usageTokens = -1;
    private long prefillMs = -1;
    private boolean done;
    private String error;

    /** @param start when the request was sent ({@link System#nanoTime()}) */
    StreamTiming(long start) {
        this.start = start;
    }

    /**
     * One line of the event stream, read at {@code now}; true once the stream is over for the client ({@code [DONE]}
     * or an error event). A line that is not a JSON chunk fails the request.
     */
    boolean line(String line, long now) throws IOException {
        if (done || error != null) {
            return true;
        }
        if (!line.startsWith("data:")) {
            return false;
        }
        String data = line.substring(5).strip();
        if (data.equals("[DONE]")) {
            done = true;
            return true;
        }
        StreamChunk chunk = StreamChunk.parse(data);
        if (chunk.error() != null) {
            error = "stream error: " + chunk.error();
            return true;
        }
        if (chunk.completionTokens() >= 0) {
            usageTokens = chunk.completionTokens();
            prefillMs = chunk.prefillMs();
        }
        if (chunk.text().isEmpty()) {
            return false;
        }
        textChunks++;
        if (first == 0) {
            first = now;
        } else {
            if (gapCount == gaps.length) {
                gaps = Arrays.copyOf(gaps, gapCount * 2);
            }
            gaps[gapCount++] = now - last;
        }
        last = now;
        return false;
    }

    /** What the request measured, once its stream ended (with or without [DONE]). */
    StreamedRequest.Timing result() {
        if (error != null) {
            return StreamedRequest.Timing.failed(error);
        }
        if (!done) {
            return StreamedRequest.Timing.failed("the stream ended without [DONE]");
        }
        if (first == 0) {
            return StreamedRequest.Timing.failed("no token arrived");
        }
        return new StreamedRequest.Timing(first - start, Arrays.copyOf(gaps, gapCount),
                usageTokens >= 0 ? usageTokens : textChunks, prefillMs, null);
    }
}
