package dev.baton.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The selector clients, and the blocking connection https clients use, against a loopback server that writes its event streams in awkward pieces (a chunk's JSON split
 * across TCP writes and HTTP chunks, inside a multi-byte character too; several events in one write), and that
 * sometimes sends a malformed chunk or closes the connection after a response. Every well-formed stream is counted
 * whole; a malformed chunk fails its request, and the client goes on with the next one.
 */
class ClientsCheckEveryChunkTest {
    private static final String TEXT_EVENT = "data: {\"id\":\"c\",\"object\":\"text_completion\",\"choices\":[{\"index\":0,"
            + "\"text\":\"é%d\",\"logprobs\":null,\"finish_reason\":null}]}\r\n\r\n";
    private static final String USAGE_EVENT = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":2,"
            + "\"completion_tokens\":3,\"total_tokens\":5,\"timings\":{\"prefill_ms\":1}}}\n\ndata: [DONE]\n\n";

    private ServerSocket server;
    private Thread acceptor;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    /** What the server answers to its n-th request (from 0). */
    private enum Answer { SPLIT_CHUNKED, MALFORMED_JSON, CHOICE_WITHOUT_TEXT, CLOSE_DELIMITED, MALFORMED_CHUNK_FRAMING }

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    connections.incrementAndGet();
                    Thread.ofPlatform().daemon().start(() -> serve(socket));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stop() throws IOException, InterruptedException {
        server.close();
        acceptor.join(5_000);
    }

    @Test
    void everyChunkIsCheckedWhateverPiecesItArrivesIn() {
        List<StreamedRequest.Timing> timings;
        try (SelectorClients clients = new SelectorClients(options(), "m")) {
            timings = clients.drive(1, 10);
        }
        check(timings);
    }

    @Test
    void theBlockingConnectionChecksThemAlike() {
        BenchOptions options = options();
        byte[] request = StreamedRequest.request(options, "m");
        List<StreamedRequest.Timing> timings = new ArrayList<>();
        try (HttpConnection connection = new HttpConnection(options.url(), options.timeout())) {
            for (int i = 0; i < 10; i++) {
                timings.add(StreamedRequest.run(connection, request));
            }
        }
        check(timings);
    }

    private BenchOptions options() {
        return BenchOptions.parse(new String[] {"--url", "http://127.0.0.1:" + server.getLocalPort(),
                "--concurrency", "1", "--requests", "10", "--warmup", "0", "--max-tokens", "3", "--timeout-s", "10"});
    }

    private void check(List<StreamedRequest.Timing> timings) {
        assertEquals(10, timings.size());
        for (int i = 0; i < timings.size(); i++) {
            StreamedRequest.Timing timing = timings.get(i);
            switch (Answer.values()[i % Answer.values().length]) {
                case SPLIT_CHUNKED, CLOSE_DELIMITED -> {
                    assertNull(timing.error(), "request " + i);
                    assertEquals(3, timing.tokens(), "request " + i);
                    assertEquals(2, timing.gapsNanos().length, "three text chunks, two gaps: request " + i);
                }
                case MALFORMED_JSON -> assertTrue(timing.error().contains("malformed JSON"), timing.error());
                case CHOICE_WITHOUT_TEXT -> assertTrue(timing.error().contains("a choice without text"), timing.error());
                case MALFORMED_CHUNK_FRAMING -> assertTrue(timing.error().contains("past its announced size"), timing.error());
            }
        }
        assertTrue(connections.get() >= 6, "a new connection after each failed or closed one: " + connections.get());
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (readRequest(in)) {
                Answer answer = Answer.values()[requests.getAndIncrement() % Answer.values().length];
                switch (answer) {
                    case SPLIT_CHUNKED -> {
                        write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
                        for (int t = 0; t < 3; t++) {
                            byte[] event = TEXT_EVENT.formatted(t).getBytes(StandardCharsets.UTF_8);
                            int cut = indexOf(event, (byte) 0xA9); // inside the two bytes of 'é'
                            writeChunk(out, event, 0, 20);
                            writeChunk(out, event, 20, cut);
                            writeChunk(out, event, cut, event.length);
                        }
                        writeChunk(out, USAGE_EVENT.getBytes(StandardCharsets.UTF_8), 0, USAGE_EVENT.length());
                        write(out, "0\r\n\r\n");
                    }
                    case MALFORMED_JSON -> chunkedEvents(out, TEXT_EVENT.formatted(0)
                            + "data: {\"choices\":[{\"text\":\"x\"}]\n\n" + USAGE_EVENT);
                    case CHOICE_WITHOUT_TEXT -> chunkedEvents(out, "data: {\"choices\":[{\"index\":0}]}\n\n" + USAGE_EVENT);
                    case CLOSE_DELIMITED -> {
                        write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                                + TEXT_EVENT.formatted(0) + TEXT_EVENT.formatted(1));
                        write(out, TEXT_EVENT.formatted(2) + USAGE_EVENT);
                        return;
                    }
                    case MALFORMED_CHUNK_FRAMING -> {
                        write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ndata: x\r\n");
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void chunkedEvents(OutputStream out, String events) throws IOException {
        byte[] bytes = events.getBytes(StandardCharsets.UTF_8);
        write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        writeChunk(out, bytes, 0, bytes.length);
        write(out, "0\r\n\r\n");
    }

    /** Reads one request's head and body; false when the client closed the connection. */
    private static boolean readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        if (b == -1) {
            return false;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int at = text.indexOf("content-length:");
        int length = Integer.parseInt(text.substring(at + 15, text.indexOf('\r', at)).trim());
        in.readNBytes(length);
        return true;
    }

    private static void writeChunk(OutputStream out, byte[] bytes, int from, int to) throws IOException {
        write(out, Integer.toHexString(to - from) + "\r\n");
        out.write(bytes, from, to - from);
        write(out, "\r\n");
    }

    /** One TCP write, then a pause, so the client reads it on its own. */
    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new IllegalArgumentException("no such byte");
    }
}
