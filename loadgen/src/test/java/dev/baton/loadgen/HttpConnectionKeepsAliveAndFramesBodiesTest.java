package dev.baton.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's HTTP client against a server that writes scripted bytes: chunked bodies (with a chunk extension
 * and a trailer), Content-Length bodies, and a server that closes the connection after a response.
 */
class HttpConnectionKeepsAliveAndFramesBodiesTest {
    private ServerSocket server;
    private URI base;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final List<String> answers = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        base = URI.create("http://127.0.0.1:" + server.getLocalPort());
        Thread.ofPlatform().daemon().start(this::serve);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    /** Answers each request with the next scripted answer; one ending in "Connection: close" ends the connection. */
    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                connections.incrementAndGet();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = socket.getOutputStream();
                String line;
                while ((line = in.readLine()) != null) {
                    requestLines.add(line);
                    int length = 0;
                    String header;
                    while ((header = in.readLine()) != null && !header.isEmpty()) {
                        if (header.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(header.substring(15).trim());
                        }
                    }
                    in.skip(length); // the bodies here are ASCII: one char per byte
                    String answer = answers.removeFirst();
                    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (answer.contains("Connection: close")) {
                        break;
                    }
                }
            } catch (IOException e) {
                // the test ended the server
            }
        }
    }

    /** What one exchange read: the status and the body's lines. */
    private static final class Lines implements ResponseLines.Listener {
        private int status;
        private final List<String> lines = new ArrayList<>();

        @Override
        public void status(int code) {
            status = code;
        }

        @Override
        public void line(byte[] bytes, int from, int to, long readAt) {
            lines.add(new String(bytes, from, to - from, StandardCharsets.UTF_8));
        }
    }

    private Lines exchange(HttpConnection connection, String method, String path, byte[] body, String authorization)
            throws IOException {
        Lines lines = new Lines();
        connection.exchange(HttpConnection.request(base, method, path, body == null ? null : "application/json",
                body, authorization), lines);
        return lines;
    }

    @Test
    void readsChunkedAndSizedBodiesOverOneConnectionAndReconnectsAfterClose() throws IOException {
        answers.add("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n\r\n"
                + "7;ext=1\r\ndata: a\r\n" + "9\r\n\ndata: b\n\r\n" + "0\r\nX-Trailer: t\r\n\r\n");
        answers.add("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
        answers.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        answers.add("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain");
        try (HttpConnection connection = new HttpConnection(base, Duration.ofSeconds(5))) {
            Lines stream = exchange(connection, "POST", "/v1/completions", "{}".getBytes(StandardCharsets.UTF_8), "Bearer k");
            assertEquals(200, stream.status);
            assertEquals(List.of("data: a", "data: b"), stream.lines);
            Lines refused = exchange(connection, "GET", "/v1/models", null, null);
            assertEquals(503, refused.status);
            assertEquals(List.of("busy"), refused.lines);
            assertEquals(List.of("ok"), exchange(connection, "GET", "/a", null, null).lines);
            assertEquals(List.of("again"), exchange(connection, "GET", "/b", null, null).lines);
        }
        assertEquals(List.of("POST /v1/completions HTTP/1.1", "GET /v1/models HTTP/1.1", "GET /a HTTP/1.1", "GET /b HTTP/1.1"),
                requestLines);
        assertEquals(2, connections.get(), "one connection until the server closed it, then a new one");
    }

    @Test
    void aBodyCutShortIsAnErrorNotAShortAnswer() throws IOException {
        answers.add("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nshort");
        try (HttpConnection connection = new HttpConnection(base, Duration.ofSeconds(5))) {
            IOException cut = assertThrows(IOException.class, () -> exchange(connection, "GET", "/", null, null));
            assertTrue(cut.getMessage().contains("the connection ended before the response's end"), cut.getMessage());
        }
    }
}
