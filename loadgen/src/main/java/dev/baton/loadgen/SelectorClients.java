package dev.baton.loadgen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * C streaming clients driven by one thread: each keeps a kept-alive HTTP/1.1 connection (non-blocking, no Nagle
 * delay) and sends one completion after the other; a selector wakes the thread for whichever connections have
 * something to read. The load generator shares the cores with the system it measures: a thread per client is woken
 * once per token of its stream (tens of thousands of context switches a second at C=32), while one selector thread
 * is woken once for all the chunks that arrived together. Each chunk is still parsed and timed as a client must
 * ({@link StreamTiming}), at the moment its bytes were read. Plain {@code http} only; {@link BenchHttp} drives
 * {@code https} with a blocking connection per client thread.
 */
final class SelectorClients implements BenchHttp.Clients {
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    private final InetSocketAddress address;
    private final byte[] request;
    private final long timeoutNanos;
    private final Selector selector;
    private final ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    /** Kept from run to run, connections included: the warm-up's connections serve the measured requests. */
    private final List<Client> all = new ArrayList<>();
    private final List<StreamedRequest.Timing> timings = new ArrayList<>();
    private int toStart;
    private int active;

    SelectorClients(BenchOptions options, String model) {
        if (!"http".equals(options.url().getScheme())) {
            throw new IllegalArgumentException("the selector clients speak plain http, not " + options.url().getScheme());
        }
        int port = options.url().getPort() > 0 ? options.url().getPort() : 80;
        this.address = new InetSocketAddress(options.url().getHost(), port);
        this.request = StreamedRequest.request(options, model);
        this.timeoutNanos = options.timeout().toNanos();
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a selector: " + e, e);
        }
    }

    /** Runs {@code count} requests, {@code clients} at a time, each client starting its next as its last ends. */
    @Override
    public List<StreamedRequest.Timing> drive(int clients, int count) {
        timings.clear();
        toStart = count;
        active = 0;
        while (all.size() < clients) {
            all.add(new Client());
        }
        for (Client client : all.subList(0, clients)) {
            client.startNext();
        }
        try {
            while (active > 0) {
                // the ready keys straight to their clients: no selected-key set to fill and empty per wake-up
                selector.select(key -> ((Client) key.attachment()).ready(key),
                        Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextDeadline() - System.nanoTime())));
                long now = System.nanoTime();
                for (Client client : all) {
                    if (client.busy && now - client.lastActivity > timeoutNanos) {
                        client.fail("no data from the server for " + Duration.ofNanos(timeoutNanos).toSeconds() + " s");
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("the selector failed: " + e, e);
        }
        return List.copyOf(timings);
    }

    @Override
    public void close() {
        all.forEach(Client::close);
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private long nextDeadline() {
        long deadline = System.nanoTime() + timeoutNanos;
        for (Client client : all) {
            if (client.busy) {
                deadline = Math.min(deadline, client.lastActivity + timeoutNanos);
            }
        }
        return deadline;
    }

    /** One client: its connection, and the request it is streaming. */
    private final class Client {
        private SocketChannel channel;
        private SelectionKey key;
        private boolean reusable;
        private boolean busy;
        private ByteBuffer out;
        private ResponseLines response;
        private StreamTiming timing;
        private long lastActivity;

        /** Sends the next request, on the kept-alive connection or a new one. */
        void startNext() {
            if (toStart == 0) {
                return;
            }
            toStart--;
            active++;
            busy = true;
            long start = System.nanoTime();
            lastActivity = start;
            out = ByteBuffer.wrap(request);
            timing = new StreamTiming(start);
            response = new ResponseLines(timing);
            try {
                if (channel == null || !reusable) {
                    close();
                    channel = SocketChannel.open();
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    boolean connected = channel.connect(address);
                    key = channel.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, this);
                } else {
                    key.interestOps(SelectionKey.OP_WRITE);
                }
                reusable = false;
            } catch (IOException e) {
                fail(e.toString());
            }
        }

        void ready(SelectionKey ready) {
            try {
                if (!ready.isValid()) {
                    return;
                }
                if (ready.isConnectable() && channel.finishConnect()) {
                    key.interestOps(SelectionKey.OP_WRITE);
                }
                if (ready.isValid() && ready.isWritable()) {
                    channel.write(out);
                    if (!out.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                }
                if (ready.isValid() && ready.isReadable()) {
                    read();
                }
            } catch (IOException | RuntimeException e) {
                fail(e.toString());
            }
        }

        private void read() throws IOException {
            buffer.clear();
            int n = channel.read(buffer);
            lastActivity = System.nanoTime();
            if (n < 0) {
                response.endOfStream();
                reusable = false;
                end(timing.result());
                return;
            }
            buffer.flip();
            if (response.feed(buffer, lastActivity)) {
                reusable = response.reusable() && !buffer.hasRemaining();
                end(timing.result());
            }
        }

        void fail(String error) {
            reusable = false;
            close();
            end(StreamedRequest.Timing.failed(error));
        }

        private void end(StreamedRequest.Timing result) {
            if (!busy) {
                return;
            }
            busy = false;
            active--;
            timings.add(result);
            if (key != null && key.isValid()) {
                key.interestOps(0);
            }
            startNext();
        }

        void close() {
            if (channel != null) {
                try {
                    channel.close(); // also cancels its key
                } catch (IOException e) {
                    // closing anyway
                }
                channel = null;
                key = null;
            }
        }
    }
}
