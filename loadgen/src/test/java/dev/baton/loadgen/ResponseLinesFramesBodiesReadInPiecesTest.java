package dev.baton.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The selector clients' response reader gets a response in whatever pieces the socket hands over: fed whole, byte by
 * byte and in odd-sized pieces, it finds the same status and body lines, for every way HTTP/1.1 frames a body.
 */
class ResponseLinesFramesBodiesReadInPiecesTest {
    private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
            + "Content-Type: text/event-stream\r\n\r\n"
            + "7;ext=1\r\ndata: a\r\n" + "e\r\n\ndata: é \"b\"\n\r\n" + "2\r\n\n\n\r\n" + "0\r\nX-Trailer: t\r\n\r\n";

    /** What a reader saw, and whether it called the response complete. */
    private record Read(int status, List<String> lines, boolean complete, boolean reusable, int leftOver) {
    }

    private static Read read(String response, int pieceSize) throws IOException {
        List<String> lines = new ArrayList<>();
        int[] status = {0};
        ResponseLines reader = new ResponseLines(new ResponseLines.Listener() {
            @Override
            public void status(int code) {
                status[0] = code;
            }

            @Override
            public void line(byte[] bytes, int from, int to, long readAt) {
                lines.add(new String(bytes, from, to - from, StandardCharsets.UTF_8));
            }
        });
        byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
        boolean complete = false;
        int leftOver = 0;
        for (int at = 0; at < bytes.length && !complete; at += pieceSize) {
            ByteBuffer piece = ByteBuffer.wrap(bytes, at, Math.min(pieceSize, bytes.length - at));
            complete = reader.feed(piece, System.nanoTime());
            leftOver = piece.remaining() + Math.max(0, bytes.length - at - pieceSize);
        }
        if (!complete) {
            try {
                reader.endOfStream();
                complete = true;
            } catch (IOException cutShort) {
                // not complete
            }
        }
        return new Read(status[0], lines, complete, reader.reusable(), leftOver);
    }

    @Test
    void chunkedBodyLinesSurviveEverySplit() throws IOException {
        List<String> expected = List.of("data: a", "data: é \"b\"", "", "");
        for (int piece : new int[] {CHUNKED.length() * 2, 1, 2, 3, 7, 13}) {
            Read read = read(CHUNKED, piece);
            assertEquals(200, read.status(), "pieces of " + piece);
            assertEquals(expected, read.lines(), "pieces of " + piece);
            assertTrue(read.complete() && read.reusable(), "pieces of " + piece);
        }
    }

    @Test
    void sizedBodyEndsAtItsLengthAndLeavesWhatFollows() throws IOException {
        Read read = read("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 6\r\n\r\nbusy\r\nNEXT", 4);
        assertEquals(503, read.status());
        assertEquals(List.of("busy"), read.lines());
        assertTrue(read.complete() && read.reusable());
        assertEquals(4, read.leftOver(), "the bytes after the body belong to the next response");
        assertEquals(List.of(), read("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1).lines());
    }

    @Test
    void bodyWithoutLengthEndsWithTheConnection() throws IOException {
        Read read = read("HTTP/1.0 200 OK\r\n\r\ndata: x\ndata: y", 5);
        assertEquals(List.of("data: x", "data: y"), read.lines(), "the last line needs no line end");
        assertTrue(read.complete());
        assertFalse(read.reusable());
        Read closing = read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", 64);
        assertTrue(closing.complete());
        assertFalse(closing.reusable());
    }

    @Test
    void aResponseCutShortIsNotComplete() throws IOException {
        assertFalse(read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\ndata: a\r\n", 3).complete());
        assertFalse(read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 3).complete());
    }

    @Test
    void garbageIsAnErrorNotAnAnswer() {
        IOException status = assertThrows(IOException.class, () -> read("SSH-2.0-OpenSSH\r\n\r\n", 64));
        assertTrue(status.getMessage().contains("not an HTTP/1.x status line"), status.getMessage());
        IOException size = assertThrows(IOException.class,
                () -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 64));
        assertTrue(size.getMessage().contains("not a chunk size"), size.getMessage());
    }
}
