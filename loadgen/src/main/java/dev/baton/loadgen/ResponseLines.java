package dev.baton.loadgen;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One HTTP/1.1 response read as its bytes arrive, in whatever pieces the socket hands over: the status, then the
 * body's lines (UTF-8, without their line end), whether the body is framed by chunked transfer coding, by
 * Content-Length or by the end of the connection. What {@link SelectorClients} needs to read event streams from many
 * connections on one thread without ever blocking on one of them.
 */
final class ResponseLines {
    /** What the response delivers. */
    interface Listener {
        void status(int status) throws IOException;

        void line(String line) throws IOException;
    }

    private enum Phase { STATUS, HEADERS, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, SIZED, TO_CLOSE, DONE }

    private static final int MAX_HEAD_LINE = 64 * 1024;

    private final Listener listener;
    private final LineBuffer headLine = new LineBuffer(128);
    private final LineBuffer bodyLine = new LineBuffer(512);
    private Phase phase = Phase.STATUS;
    private ResponseHead head;
    private long left;

    ResponseLines(Listener listener) {
        this.listener = listener;
    }

    /** Consumes what {@code in} holds; true once the response is complete (bytes after it are left in {@code in}). */
    boolean feed(ByteBuffer in) throws IOException {
        while (in.hasRemaining() && phase != Phase.DONE) {
            switch (phase) {
                case STATUS, HEADERS, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
                    String line = headLine(in);
                    if (line != null) {
                        onHeadLine(line);
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

    /** The connection ended: true when that completes the response (a body delimited by the connection's end). */
    boolean endOfStream() throws IOException {
        if (phase == Phase.TO_CLOSE) {
            finish();
            return true;
        }
        return phase == Phase.DONE;
    }

    /** Whether the connection may carry another request after this response. */
    boolean reusable() {
        return phase == Phase.DONE && !head.close();
    }

    private void onHeadLine(String line) throws IOException {
        switch (phase) {
            case STATUS -> {
                head = new ResponseHead(line);
                listener.status(head.status());
                phase = Phase.HEADERS;
            }
            case HEADERS -> {
                if (line.isEmpty()) {
                    phase = head.chunked() ? Phase.CHUNK_SIZE : head.length() >= 0 ? Phase.SIZED : Phase.TO_CLOSE;
                    left = head.length();
                    if (phase == Phase.SIZED && left == 0) {
                        phase = finish();
                    }
                    return;
                }
                head.header(line);
            }
            case CHUNK_SIZE -> {
                left = ResponseHead.chunkSize(line);
                phase = left > 0 ? Phase.CHUNK_DATA : Phase.TRAILERS;
            }
            case CHUNK_END -> phase = Phase.CHUNK_SIZE; // the CRLF after a chunk's data
            case TRAILERS -> {
                if (line.isEmpty()) {
                    phase = finish();
                }
            }
            default -> throw new IllegalStateException(phase.name());
        }
    }


    /** The rest of a head (or chunk framing) line, or null while its end has not arrived. */
    private String headLine(ByteBuffer in) throws IOException {
        int end = LineBuffer.lineEnd(in, in.limit());
        headLine.append(in, (end < 0 ? in.limit() : end) - in.position());
        if (headLine.size() > MAX_HEAD_LINE) {
            throw new IOException("a response head line longer than 64 KiB");
        }
        if (end < 0) {
            return null;
        }
        in.get(); // the line feed
        return headLine.take(StandardCharsets.ISO_8859_1);
    }

    /** Body bytes: every completed line goes to the listener (a line may span reads and chunks). */
    private void body(ByteBuffer in, int count) throws IOException {
        int limit = in.position() + count;
        while (in.position() < limit) {
            int end = LineBuffer.lineEnd(in, limit);
            bodyLine.append(in, (end < 0 ? limit : end) - in.position());
            if (end >= 0) {
                in.get(); // the line feed
                listener.line(bodyLine.take(StandardCharsets.UTF_8));
            }
        }
    }

    /** The body ended: a last line without a line end still counts. */
    private Phase finish() throws IOException {
        if (bodyLine.size() > 0) {
            listener.line(bodyLine.take(StandardCharsets.UTF_8));
        }
        phase = Phase.DONE;
        return Phase.DONE;
    }

    /**
     * The bytes of the line being read. A line feed never occurs inside a multi-byte UTF-8 sequence, so a line's bytes
     * are decoded whole, once complete.
     */
    private static final class LineBuffer {
        private byte[] bytes;
        private int size;

        LineBuffer(int capacity) {
            bytes = new byte[capacity];
        }

        /** Where the next line feed before {@code limit} is, or -1. */
        static int lineEnd(ByteBuffer in, int limit) {
            for (int i = in.position(); i < limit; i++) {
                if (in.get(i) == '\n') {
                    return i;
                }
            }
            return -1;
        }

        void append(ByteBuffer in, int count) {
            if (size + count > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, size + count));
            }
            in.get(bytes, size, count);
            size += count;
        }

        int size() {
            return size;
        }

        /** The line without its end ({@code \r\n} or {@code \n}); the buffer starts over. */
        String take(Charset charset) {
            int length = size > 0 && bytes[size - 1] == '\r' ? size - 1 : size;
            String line = new String(bytes, 0, length, charset);
            size = 0;
            return line;
        }
    }
}
