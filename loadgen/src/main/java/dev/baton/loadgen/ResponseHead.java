package dev.baton.loadgen;

import java.io.IOException;
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

    /** The size a chunked body's size line announces (hex, chunk extensions ignored). */
    static long chunkSize(String line) throws IOException {
        int extension = line.indexOf(';');
        try {
            return Long.parseLong((extension >= 0 ? line.substring(0, extension) : line).trim(), 16);
        } catch (NumberFormatException e) {
            throw new IOException("not a chunk size: " + line);
        }
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
