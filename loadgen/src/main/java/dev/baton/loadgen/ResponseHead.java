package dev.baton.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What an HTTP/1.x response head says about its response: the status, how the body is framed (chunked, a
 * Content-Length, or the end of the connection) and whether the connection closes after it. Fed line by line, so the
 * blocking and the selector clients read heads alike.
 */
final class ResponseHead {
    private final int status;
    private long length = -1;
    private boolean chunked;
    private boolean close;

    /** Starts a head from its status line. */
    ResponseHead(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        close = parts[0].equals("HTTP/1.0"); // HTTP/1.0 closes unless told to keep the connection alive
    }

    /** Takes one header line; lines that are not "name: value" are ignored. */
    void header(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            return;
        }
        String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
        switch (name) {
            case "content-length" -> length = Long.parseLong(value);
            case "transfer-encoding" -> chunked = value.endsWith("chunked");
            case "connection" -> close = value.contains("close") || (close && !value.contains("keep-alive"));
            default -> {
            }
        }
    }

    /** The size a chunked body's size line {@code line[from, to)} announces (hex, chunk extensions ignored). */
    static long chunkSize(byte[] line, int from, int to) throws IOException {
        long size = 0;
        int digits = 0;
        int at = from;
        while (at < to && (line[at] == ' ' || line[at] == '\t')) {
            at++;
        }
        for (; at < to; at++) {
            int digit = Character.digit(line[at], 16);
            if (digit < 0) {
                break;
            }
            if (++digits > 15) {
                throw notAChunkSize(line, from, to);
            }
            size = size << 4 | digit;
        }
        while (at < to && (line[at] == ' ' || line[at] == '\t')) {
            at++;
        }
        if (digits == 0 || (at < to && line[at] != ';')) {
            throw notAChunkSize(line, from, to);
        }
        return size;
    }

    private static IOException notAChunkSize(byte[] line, int from, int to) {
        return new IOException("not a chunk size: " + new String(line, from, Math.min(to - from, 80), StandardCharsets.ISO_8859_1));
    }

    int status() {
        return status;
    }

    /** The declared Content-Length, or -1. */
    long length() {
        return length;
    }

    boolean chunked() {
        return chunked;
    }

    /** The connection closes after this response: asked for, or the body ends with the connection. */
    boolean close() {
        return close || (!chunked && length < 0);
    }
}
