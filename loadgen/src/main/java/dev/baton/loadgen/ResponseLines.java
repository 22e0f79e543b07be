package dev.baton.loadgen;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One HTTP/1.1 response read as its bytes arrive, in whatever pieces the socket hands over: the status, then the
 * body's lines (without their line end), whether the body is framed by chunked transfer coding, by Content-Length or
 * by the end of the connection. What {@link SelectorClients} needs to read event streams from many connections on one
 * thread without ever blocking on one of them. A body line that arrived whole in one read is handed over in place,
 * from the read buffer; only a line split across reads or chunks is copied, to join its pieces. Per streamed token
 * that leaves no String and no copy: the chunk's framing lines are parsed from the bytes too.
 */
final class ResponseLines {
    /** What the response delivers. */
    interface Listener {
        void status(int status) throws IOException;

        /** A body line, {@code bytes[from, to)} (only valid during the call), whose last bytes were read at {@code readAt}. */
        void line(byte[] bytes, int from, int to, long readAt) throws IOException;
    }

    private enum Phase { STATUS, HEADERS, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, SIZED, TO_CLOSE, DONE }

    private static final int MAX_HEAD_LINE = 64 * 1024;

    private final Listener listener;
    private final LineBuffer headLine = new LineBuffer(128);
    private final LineBuffer bodyLine = new LineBuffer(512);
    private Phase phase = Phase.STATUS;
    private ResponseHead head;
    private long left;
    private long readAt;

    ResponseLines(Listener listener) {
        this.listener = listener;
    }

    /**
     * Consumes what {@code in} (a buffer with an accessible array) holds, read at {@code readAt}
     * ({@link System#nanoTime()}); true once the response is complete (bytes after it are left in {@code in}).
     */
    boolean feed(ByteBuffer in, long readAt) throws IOException {
        this.readAt = readAt;
        while (in.hasRemaining() && phase != Phase.DONE) {
            switch (phase) {
                case STATUS, HEADERS, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
                    if (headLine(in)) {
                        onHeadLine();
                        headLine.clear();
                    }
                }
                case CHUNK_DATA, SIZED -> {
                    int n = (int) Math.min(left, in.remaining());
                    body(in, n);
                    left -= n;
                    if (left == 0) {
                        phase = phase == Phase.SIZED ? finish() : Phase.CHUNK_END;
                    }
                }
                case TO_CLOSE -> body(in, in.remaining());
                default -> throw new IllegalStateException(phase.name());
            }
        }
        return phase == Phase.DONE;
    }

    /**
     * The connection ended: fine when that completes the response (a body delimited by the connection's end), an
     * IOException when the response is cut short.
     */
    void endOfStream() throws IOException {
        if (phase == Phase.TO_CLOSE) {
            finish();
        } else if (phase != Phase.DONE) {
            boolean nothing = phase == Phase.STATUS && headLine.length() == 0;
            throw new IOException(nothing ? "the server closed the connection without answering"
                    : "the connection ended before the response's end");
        }
    }

    /** Whether the connection may carry another request after this response. */
    boolean reusable() {
        return phase == Phase.DONE && !head.close();
    }

    private void onHeadLine() throws IOException {
        switch (phase) {
            case STATUS -> {
                head = new ResponseHead(headLine.text());
                listener.status(head.status());
                phase = Phase.HEADERS;
            }
            case HEADERS -> {
                if (headLine.length() == 0) {
                    phase = head.chunked() ? Phase.CHUNK_SIZE : head.length() >= 0 ? Phase.SIZED : Phase.TO_CLOSE;
                    left = head.length();
                    if (phase == Phase.SIZED && left == 0) {
                        phase = finish();
                    }
                    return;
                }
                head.header(headLine.text());
            }
            case CHUNK_SIZE -> {
                left = ResponseHead.chunkSize(headLine.bytes, 0, headLine.length());
                phase = left > 0 ? Phase.CHUNK_DATA : Phase.TRAILERS;
            }
            case CHUNK_END -> {
                if (headLine.length() != 0) {
                    throw new IOException("a chunk's data runs past its announced size");
                }
                phase = Phase.CHUNK_SIZE;
            }
            case TRAILERS -> {
                if (headLine.length() == 0) {
                    phase = finish();
                }
            }
            default -> throw new IllegalStateException(phase.name());
        }
    }

    /** Adds to the head (or chunk framing) line being read; true once its end has arrived. */
    private boolean headLine(ByteBuffer in) throws IOException {
        byte[] bytes = in.array();
        int from = in.arrayOffset() + in.position();
        int limit = in.arrayOffset() + in.limit();
        int end = lineEnd(bytes, from, limit);
        headLine.append(bytes, from, (end < 0 ? limit : end) - from);
        if (headLine.length() > MAX_HEAD_LINE) {
            throw new IOException("a response head line longer than 64 KiB");
        }
        if (end < 0) {
            in.position(in.limit());
            return false;
        }
        in.position(end + 1 - in.arrayOffset());
        headLine.dropCarriageReturn();
        return true;
    }

    /** Body bytes: every completed line goes to the listener (a line may span reads and chunks). */
    private void body(ByteBuffer in, int count) throws IOException {
        byte[] bytes = in.array();
        int at = in.arrayOffset() + in.position();
        int limit = at + count;
        in.position(in.position() + count);
        while (at < limit) {
            int end = lineEnd(bytes, at, limit);
            if (end < 0) {
                bodyLine.append(bytes, at, limit - at);
                return;
            }
            if (bodyLine.length() == 0) {
                listener.line(bytes, at, withoutCarriageReturn(bytes, at, end), readAt);
            } else {
                bodyLine.append(bytes, at, end - at);
                bodyLine.dropCarriageReturn();
                listener.line(bodyLine.bytes, 0, bodyLine.length(), readAt);
                bodyLine.clear();
            }
            at = end + 1;
        }
    }

    /** The body ended: a last line without a line end still counts. */
    private Phase finish() throws IOException {
        if (bodyLine.length() > 0) {
            bodyLine.dropCarriageReturn();
            listener.line(bodyLine.bytes, 0, bodyLine.length(), readAt);
            bodyLine.clear();
        }
        phase = Phase.DONE;
        return Phase.DONE;
    }

    /** Where the next line feed in {@code bytes[from, limit)} is, or -1. */
    private static int lineEnd(byte[] bytes, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int withoutCarriageReturn(byte[] bytes, int from, int end) {
        return end > from && bytes[end - 1] == '\r' ? end - 1 : end;
    }

    /** The bytes of a line that arrived in pieces. */
    private static final class LineBuffer {
        private byte[] bytes;
        private int length;

        LineBuffer(int capacity) {
            bytes = new byte[capacity];
        }

        void append(byte[] source, int from, int count) {
            if (length + count > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + count));
            }
            System.arraycopy(source, from, bytes, length, count);
            length += count;
        }

        int length() {
            return length;
        }

        /** A line ends in {@code \r\n} or {@code \n}: the line is what precedes either. */
        void dropCarriageReturn() {
            length = withoutCarriageReturn(bytes, 0, length);
        }

        void clear() {
            length = 0;
        }

        /** A head line as text (the head's bytes are ISO-8859-1). */
        String text() {
            return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
    }
}
