package dev.baton.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Times one streamed completion from its response, as a client sees it: the time to the first chunk carrying text and
 * the gaps between successive text chunks, each timed when its last bytes were read. Tokens are counted from the final
 * usage chunk when the server sends one, else from the text chunks. A response other than 200 fails the request with
 * its status and the first line of its body. Fed by {@link ResponseLines}, whoever reads the connection.
 */
final class StreamTiming implements ResponseLines.Listener {
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final int ERROR_LINE_CHARS = 300;

    private final StreamChunk chunk = new StreamChunk();
    private final long start;
    private int status;
    private String errorLine;
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

    @Override
    public void status(int code) {
        status = code;
    }

    /**
     * One line of the body, {@code bytes[from, to)} without its line end, read at {@code readAt}. Lines after
     * {@code [DONE]} or an error event are passed over. A {@code data:} line that is not a well-formed completion
     * chunk fails the request.
     */
    @Override
    public void line(byte[] bytes, int from, int to, long readAt) throws IOException {
        if (status != 200) {
            if (errorLine == null) {
                errorLine = new String(bytes, from, Math.min(to - from, ERROR_LINE_CHARS), StandardCharsets.UTF_8);
            }
            return;
        }
        if (done || error != null) {
            return;
        }
        if (!startsWith(bytes, from, to, DATA)) {
            return;
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
            return;
        }
        chunk.read(bytes, payload, payloadEnd);
        if (chunk.error() != null) {
            error = "stream error: " + chunk.error();
            return;
        }
        if (chunk.completionTokens() >= 0) {
            usageTokens = chunk.completionTokens();
            prefillMs = chunk.prefillMs();
        }
        if (chunk.textLength() == 0) {
            return;
        }
        textChunks++;
        if (first == 0) {
            first = readAt;
        } else {
            if (gapCount == gaps.length) {
                gaps = Arrays.copyOf(gaps, gapCount * 2);
            }
            gaps[gapCount++] = readAt - last;
        }
        last = readAt;
    }

    /** What the request measured, once its response ended. */
    StreamedRequest.Timing result() {
        if (status != 200) {
            return StreamedRequest.Timing.failed("HTTP " + status + ": " + (errorLine == null ? "" : errorLine));
        }
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
