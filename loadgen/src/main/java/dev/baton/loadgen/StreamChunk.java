package dev.baton.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What the load generator takes from one streamed chunk ({@code data:} payload), read straight from the bytes that
 * arrived: the first choice's text, the usage's completion tokens and Baton's {@code timings.prefill_ms}, or the
 * error's message. The whole chunk is checked as a client's parser would ({@link JsonCursor}), and so are the fields
 * an OpenAI completion chunk must have: a {@code choices} array whose every choice is an object with a string
 * {@code text}, {@code usage} (when present and not null) an object whose {@code completion_tokens} is a non-negative
 * integer; an {@code error} event needs neither. Reused from chunk to chunk, it allocates nothing for a well-formed
 * chunk that is not an error: bench-http runs on the same cores as the system it measures.
 */
final class StreamChunk {
    private static final byte[] CHOICES = ascii("choices");
    private static final byte[] TEXT = ascii("text");
    private static final byte[] USAGE = ascii("usage");
    private static final byte[] COMPLETION_TOKENS = ascii("completion_tokens");
    private static final byte[] TIMINGS = ascii("timings");
    private static final byte[] PREFILL_MS = ascii("prefill_ms");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] MESSAGE = ascii("message");

    private final JsonCursor json = new JsonCursor();
    private byte[] text = new byte[64];
    private int textLength;
    private int completionTokens;
    private long prefillMs;
    private String error;

    /** Reads one chunk from {@code bytes[from, to)}; an IOException when it is not a well-formed completion chunk. */
    void read(byte[] bytes, int from, int to) throws IOException {
        json.reset(bytes, from, to);
        textLength = 0;
        completionTokens = -1;
        prefillMs = -1;
        error = null;
        boolean choices = false;
        if (json.peek() != '{') {
            throw new IOException("a stream chunk that is not a JSON object");
        }
        json.beginObject();
        while (json.nextField()) {
            if (json.fieldIs(CHOICES)) {
                choices();
                choices = true;
            } else if (json.fieldIs(USAGE)) {
                usage();
            } else if (json.fieldIs(ERROR)) {
                error = errorMessage();
            } else {
                json.skipValue();
            }
        }
        json.end();
        if (error == null && !choices) {
            throw new IOException("a stream chunk without choices");
        }
    }

    /** The bytes of the first choice's text (UTF-8), 0 when there is none or it is empty. */
    int textLength() {
        return textLength;
    }

    /** The first choice's text ("" when absent). */
    String text() {
        return new String(text, 0, textLength, StandardCharsets.UTF_8);
    }

    /** {@code usage.completion_tokens}, or -1 without usage. */
    int completionTokens() {
        return completionTokens;
    }

    /** {@code usage.timings.prefill_ms}, or -1. */
    long prefillMs() {
        return prefillMs;
    }

    /** {@code error.message} (or "" when the error has none), null when the chunk is not an error. */
    String error() {
        return error;
    }

    private void choices() throws IOException {
        if (json.peek() != '[') {
            throw new IOException("a stream chunk whose choices are not an array");
        }
        json.beginArray();
        boolean first = true;
        while (json.nextElement()) {
            if (json.peek() != '{') {
                throw new IOException("a stream chunk whose choice is not an object");
            }
            json.beginObject();
            boolean hasText = false;
            while (json.nextField()) {
                if (json.fieldIs(TEXT)) {
                    if (json.peek() != '"') {
                        throw new IOException("a stream chunk whose choice's text is not a string");
                    }
                    json.readString();
                    hasText = true;
                    if (first) {
                        keepText();
                    }
                } else {
                    json.skipValue();
                }
            }
            if (!hasText) {
                throw new IOException("a stream chunk with a choice without text");
            }
            first = false;
        }
    }

    private void keepText() {
        textLength = json.stringLength();
        if (textLength > text.length) {
            text = Arrays.copyOf(text, Math.max(2 * text.length, textLength));
        }
        System.arraycopy(json.stringBytes(), 0, text, 0, textLength);
    }

    private void usage() throws IOException {
        if (json.peek() != '{') {
            json.skipValue(); // null, as OpenAI sends on every chunk but the last; anything else is checked as JSON only
            return;
        }
        json.beginObject();
        while (json.nextField()) {
            if (json.fieldIs(COMPLETION_TOKENS)) {
                long tokens = json.peek() == '-' || Character.isDigit(json.peek()) ? json.readNumber() : -1;
                if (tokens < 0 || tokens > Integer.MAX_VALUE) {
                    throw new IOException("a stream chunk whose usage.completion_tokens is not a count");
                }
                completionTokens = (int) tokens;
            } else if (json.fieldIs(TIMINGS) && json.peek() == '{') {
                json.beginObject();
                while (json.nextField()) {
                    if (json.fieldIs(PREFILL_MS) && Character.isDigit(json.peek())) {
                        long ms = json.readNumber();
                        prefillMs = ms == JsonCursor.NOT_AN_INTEGER ? -1 : ms;
                    } else {
                        json.skipValue();
                    }
                }
            } else {
                json.skipValue();
            }
        }
    }

    private String errorMessage() throws IOException {
        if (json.peek() == '"') {
            return json.readText();
        }
        if (json.peek() != '{') {
            json.skipValue();
            return "";
        }
        String message = json.readTextField(MESSAGE);
        return message == null ? "" : message;
    }

    private static byte[] ascii(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }
}
