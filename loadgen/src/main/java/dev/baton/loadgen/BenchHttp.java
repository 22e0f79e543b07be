package dev.baton.loadgen;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bin/baton bench-http}: C clients, each streaming one completion at a time, until R requests are done.
 * Warm-up requests run first with the same concurrency and are not counted. Every request is bounded by a timeout,
 * so a run always ends. Over plain http all clients share one selector thread ({@link SelectorClients}); over https
 * each has a thread and a blocking connection.
 */
public final class BenchHttp {
    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);

    private BenchHttp() {
    }

    public static void main(String[] args) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench-http: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        try {
            BenchReport report = run(options);
            System.out.println(options.json() ? report.toJson() : report.toTable());
            System.exit(report.errors() == 0 ? 0 : 1);
        } catch (IllegalStateException e) {
            System.err.println("bench-http: " + e.getMessage());
            System.exit(1);
        }
    }

    static BenchReport run(BenchOptions options) {
        String model = options.model() != null ? options.model() : firstModel(options);
        try (Clients clients = "http".equals(options.url().getScheme())
                ? new SelectorClients(options, model) : new ThreadClients(options, model)) {
            if (options.warmup() > 0) {
                List<StreamedRequest.Timing> warm = clients.drive(options.concurrency(), options.warmup());
                long failed = warm.stream().filter(t -> t.error() != null).count();
                if (failed == warm.size()) {
                    throw new IllegalStateException("every warm-up request failed, e.g. " + warm.getFirst().error());
                }
            }
            long cpuBefore = processCpuNanos();
            long start = System.nanoTime();
            List<StreamedRequest.Timing> timings = clients.drive(options.concurrency(), options.requests());
            long wall = System.nanoTime() - start;
            long cpu = cpuBefore < 0 ? -1 : processCpuNanos() - cpuBefore;
            timings.stream().filter(t -> t.error() != null).limit(3)
                    .forEach(t -> System.err.println("bench-http: request failed: " + t.error()));
            return BenchReport.of(options.concurrency(), timings, wall, cpu);
        }
    }

    /**
     * C clients sending {@code count} requests in all, one after the other each; their connections stay open from
     * run to run (the warm-up's serve the measured requests) until closed.
     */
    interface Clients extends AutoCloseable {
        List<StreamedRequest.Timing> drive(int concurrency, int count);

        @Override
        void close();
    }

    /**
     * For https: a thread per client, each reading its own blocking connection (HTTP/1.1, kept alive, as most OpenAI
     * clients talk to a server).
     */
    private static final class ThreadClients implements Clients {
        private final byte[] request;
        private final List<HttpConnection> connections = new ArrayList<>();

        ThreadClients(BenchOptions options, String model) {
            this.request = StreamedRequest.request(options, model);
            for (int c = 0; c < options.concurrency(); c++) {
                connections.add(new HttpConnection(options.url(), options.timeout()));
            }
        }

        @Override
        public List<StreamedRequest.Timing> drive(int concurrency, int count) {
            List<StreamedRequest.Timing> timings = Collections.synchronizedList(new ArrayList<>(count));
            AtomicInteger next = new AtomicInteger();
            try (ExecutorService clients = Executors.newFixedThreadPool(concurrency)) {
                for (HttpConnection connection : connections.subList(0, concurrency)) {
                    clients.submit(() -> {
                        while (next.getAndIncrement() < count) {
                            timings.add(StreamedRequest.run(connection, request));
                        }
                    });
                }
            } // close() waits for every client
            return timings;
        }

        @Override
        public void close() {
            connections.forEach(HttpConnection::close);
        }
    }

    /** This process's CPU time (all threads, the JIT's included), or -1 where the platform does not tell. */
    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    private static String firstModel(BenchOptions options) {
        ModelListResponse list = new ModelListResponse();
        HttpConnection connection = new HttpConnection(options.url(), options.timeout());
        try (connection) {
            connection.exchange(HttpConnection.request(options.url(), "GET", "/v1/models", null, null,
                    StreamedRequest.authorization(options)), list);
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach " + options.url() + ": " + e);
        }
        byte[] body = list.body.toByteArray();
        if (list.status != 200) {
            throw new IllegalStateException("GET /v1/models answered " + list.status + ": "
                    + new String(body, StandardCharsets.UTF_8));
        }
        try {
            String id = firstModelId(body);
            if (id == null) {
                throw new IllegalStateException("GET /v1/models lists no model");
            }
            return id;
        } catch (IOException e) {
            throw new IllegalStateException("GET /v1/models answered no model list: " + e.getMessage());
        }
    }

    /** The response to GET /v1/models: its status and its body (lines joined by line feeds). */
    private static final class ModelListResponse implements ResponseLines.Listener {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status;

        @Override
        public void status(int code) {
            status = code;
        }

        @Override
        public void line(byte[] bytes, int from, int to, long readAt) {
            body.write(bytes, from, to - from);
            body.write('\n');
        }
    }

    /** The {@code id} of the first entry of an OpenAI model list's {@code data}, or null when it lists none. */
    static String firstModelId(byte[] list) throws IOException {
        JsonCursor json = new JsonCursor();
        json.reset(list, 0, list.length);
        String id = null;
        if (json.peek() != '{') {
            throw new IOException("not a JSON object");
        }
        json.beginObject();
        while (json.nextField()) {
            if (!json.fieldIs(DATA) || json.peek() != '[') {
                json.skipValue();
                continue;
            }
            json.beginArray();
            while (json.nextElement()) {
                if (id != null || json.peek() != '{') {
                    json.skipValue();
                    continue;
                }
                id = json.readTextField(ID);
            }
        }
        json.end();
        return id;
    }
}
