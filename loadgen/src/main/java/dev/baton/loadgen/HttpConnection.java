package dev.baton.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One client's HTTP/1.1 connection, kept alive from request to request, on a blocking socket read by the client's
 * own thread. The load generator shares the machine with the system it measures: the JDK's HttpClient hands every
 * received chunk from its selector thread through an executor to the reading thread, two thread wake-ups per
 * token that cost the measured services CPU and add to the latency it reports. Here the thread that times a chunk
 * is the one the kernel wakes when it arrives, and the response is read by the same {@link ResponseLines} as the
 * selector clients' (bodies framed by Content-Length, chunked transfer coding or the end of the connection).
 *
 * <p>One request at a time; {@code http} and {@code https}. Not thread-safe.
 */
final class HttpConnection implements AutoCloseable {
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    private final URI base;
    private final int timeoutMillis;
    private final byte[] buffer = new byte[READ_BUFFER_BYTES];
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean reusable;

    /** @param timeout how long a read may wait for data (also the connect timeout) */
    HttpConnection(URI base, Duration timeout) {
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("the URL must be http:// or https://, got " + base);
        }
        this.base = base;
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    }

    /**
     * Sends {@code request} (from {@link #request}) and reads its whole response into {@code listener}, each piece
     * timed when it was read. A connection the server closed in between is opened again; one that failed is closed.
     */
    void exchange(byte[] request, ResponseLines.Listener listener) throws IOException {
        if (socket == null || !reusable) {
            close();
            open();
        }
        reusable = false;
        try {
            out.write(request);
            out.flush();
            ResponseLines response = new ResponseLines(listener);
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    response.endOfStream();
                    return;
                }
                ByteBuffer piece = ByteBuffer.wrap(buffer, 0, n);
                if (response.feed(piece, System.nanoTime())) {
                    reusable = response.reusable() && !piece.hasRemaining();
                    return;
                }
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** A request's bytes: its head, then its body (if any). */
    static byte[] request(URI base, String method, String path, String contentType, byte[] body, String authorization) {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(base.getAuthority()).append("\r\n")
                .append("Accept: */*\r\n");
        if (authorization != null) {
            head.append("Authorization: ").append(authorization).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null) {
            return headBytes;
        }
        byte[] bytes = Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, bytes, headBytes.length, body.length);
        return bytes;
    }

    private void open() throws IOException {
        boolean tls = "https".equals(base.getScheme());
        int port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(base.getHost(), port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            if (tls) { // with the host's name for SNI, and the certificate checked against it
                SSLSocket secure = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(s, base.getHost(), port, true);
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                secure.setSSLParameters(parameters);
                secure.startHandshake();
                s = secure;
            }
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
    }

    /** Closes the connection; the next request opens a new one. */
    @Override
    public void close() {
        reusable = false;
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            socket = null;
        }
    }
}
