package dev.baton.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Times one streamed completion from its event-stream lines, as a client sees them: the time to the first chunk
 * carrying text and the gaps between successive text chunks. Tokens are counted from the final usage chunk when the
 * server sends one, else from the text chunks. Fed line by line, whoever reads the connection.
 */
final class StreamTiming {
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final StreamChunk chunk = new StreamChunk();
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
     * One line of the event stream, {@code bytes[from, to)} without its line end, read at {@code now}; true once the
     * stream is over for the client ({@code [DONE]} or an error event). A {@code data:} line that is not a
     * well-formed completion chunk fails the request.
     */
    boolean line(byte[] bytes, int from, int to, long now) throws IOException {
        if (done || error != null) {
            return true;
        }
        if (!startsWith(bytes, from, to, DATA)) {
            return false;
        }
        int payload = from + DATA.length;
        while (payload < to && isSpace(bytes[payload])) {
            payload++;
        }
        int payloadEnd = to;
        while (payloadEnd > payload && isSpace(bytes[payloadEnd - 1])) {
            payloadEnd--;
        }
        if (Arrays.equals(bytes, payload, payloadEnd, DONE, 0, DONE.length)) {
            done = true;
            return true;
        }
        chunk.read(bytes, payload, payloadEnd);
        if (chunk.error() != null) {
            error = "stream error: " + chunk.error();
            return true;
        }
        if (chunk.completionTokens() >= 0) {
            usageTokens = chunk.completionTokens();
            prefillMs = chunk.prefillMs();
        }
        if (chunk.textLength() == 0) {
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

    /** A line read as text (the blocking client's reader): the same as its UTF-8 bytes. */
    boolean line(String line, long now) throws IOException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return line(bytes, 0, bytes.length, now);
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

    private static boolean startsWith(byte[] bytes, int from, int to, byte[] prefix) {
        return to - from >= prefix.length && Arrays.equals(bytes, from, from + prefix.length, prefix, 0, prefix.length);
    }

    /** Around a data line's payload (SSE puts a space after the colon; the JSON reader checks what is inside). */
    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }
}
