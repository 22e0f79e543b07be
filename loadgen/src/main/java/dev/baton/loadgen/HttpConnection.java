package dev.baton.loadgen;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
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
 * is the one the kernel wakes when it arrives.
 *
 * <p>Enough of HTTP/1.1 for a benchmark client: one request at a time, bodies framed by Content-Length, chunked
 * transfer coding or the end of the connection; {@code http} and {@code https}. Not thread-safe.
 */
final class HttpConnection implements AutoCloseable {
    private final URI base;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean reusable;

    /** A response: its status and its body, which must be read to its end (or the connection closed) before the next request. */
    record Response(int status, InputStream body) {
    }

    /** @param timeout how long a read may wait for data (also the connect timeout) */
    HttpConnection(URI base, Duration timeout) {
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("the URL must be http:// or https://, got " + base);
        }
        this.base = base;
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    }

    /** Sends a request; a connection the server closed in between is opened again. */
    Response exchange(String method, String path, String contentType, byte[] body, String authorization) throws IOException {
        if (socket == null || !reusable) {
            close();
            open();
        }
        out.write(request(base, method, path, contentType, body, authorization));
        out.flush();
        return readResponse();
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
        in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
        out = s.getOutputStream();
    }

    private Response readResponse() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("the server closed the connection without answering");
        }
        ResponseHead head = new ResponseHead(statusLine);
        String header;
        while ((header = line()) != null && !header.isEmpty()) {
            head.header(header);
        }
        if (header == null) {
            throw new IOException("the connection ended in the response head");
        }
        reusable = !head.close();
        InputStream body = head.chunked() ? new ChunkedBody() : head.length() >= 0 ? new FixedBody(head.length()) : in;
        return new Response(head.status(), body);
    }

    /** A CRLF- (or LF-) terminated line of the response head or a chunk header, without its end; null at the end of the stream. */
    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() > 64 * 1024) {
                throw new IOException("a response head line longer than 64 KiB");
            }
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** A response body whose single-byte reads delegate to its bulk read. */
    private abstract static class BodyStream extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }
    }

    /** A body of a known length; reads return what has arrived, without waiting for more. */
    private final class FixedBody extends BodyStream {
        private long remaining;

        FixedBody(long length) {
            this.remaining = length;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n == -1) {
                reusable = false;
                throw new IOException("the connection ended " + remaining + " bytes before the body's end");
            }
            remaining -= n;
            return n;
        }
    }

    /** A body in chunked transfer coding; reads return what has arrived, without waiting for more. */
    private final class ChunkedBody extends BodyStream {
        private long chunkLeft;
        private boolean ended;

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (ended) {
                return -1;
            }
            if (chunkLeft == 0 && !nextChunk()) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, chunkLeft));
            if (n == -1) {
                reusable = false;
                throw new IOException("the connection ended inside a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                line(); // the CRLF after the chunk's data
            }
            return n;
        }

        /** Reads the next chunk's size; false at the last (empty) chunk, after its trailers. */
        private boolean nextChunk() throws IOException {
            String size = line();
            if (size == null) {
                reusable = false;
                throw new IOException("the connection ended between chunks");
            }
            try {
                byte[] sizeLine = size.getBytes(StandardCharsets.ISO_8859_1);
                chunkLeft = ResponseHead.chunkSize(sizeLine, 0, sizeLine.length);
            } catch (IOException e) {
                reusable = false;
                throw e;
            }
            if (chunkLeft > 0) {
                return true;
            }
            String trailer;
            while ((trailer = line()) != null && !trailer.isEmpty()) {
                // trailers carry nothing a benchmark needs
            }
            ended = true;
            return false;
        }
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
