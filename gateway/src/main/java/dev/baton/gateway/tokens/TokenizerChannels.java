package dev.baton.gateway.tokens;

import dev.baton.gateway.GatewayConfig;
import dev.baton.proto.MutinyTokenizerServiceGrpc;
import dev.baton.proto.MutinyTokenizerServiceGrpc.MutinyTokenizerServiceStub;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Connections to the tokenizer service, each bound to one of the gateway's Vert.x event loops. A call made on an
 * event loop goes out on that loop's own connection and its answer is handled right there (direct executor), so a
 * request's tokenizer round trip crosses no other gateway thread; and since each connection lands on one of the
 * tokenizer's event loops, a burst of requests arriving on different loops is served in parallel there instead of
 * queueing on a single connection. Calls from any other thread take the connections in turn.
 */
@ApplicationScoped
public class TokenizerChannels {
    private static final Logger LOG = Logger.getLogger(TokenizerChannels.class);

    private final List<EventLoop> loops = new ArrayList<>();
    private final List<MutinyTokenizerServiceStub> stubs = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    @Inject
    TokenizerChannels(Vertx vertx, GatewayConfig config,
                      @ConfigProperty(name = "quarkus.grpc.clients.tokenizer.host", defaultValue = "127.0.0.1") String host,
                      @ConfigProperty(name = "quarkus.grpc.clients.tokenizer.port", defaultValue = "8090") int port,
                      @ConfigProperty(name = "quarkus.grpc.clients.tokenizer.max-inbound-message-size",
                              defaultValue = "8388608") int maxInboundBytes,
                      @ConfigProperty(name = "quarkus.grpc.clients.tokenizer.tls.enabled", defaultValue = "false")
                      boolean tls,
                      @ConfigProperty(name = "quarkus.grpc.clients.tokenizer.tls-configuration-name")
                      Optional<String> tlsConfiguration) {
        this(vertx, config.tokenizerChannels(), host, port, maxInboundBytes);
        refuseTls(tls, tlsConfiguration);
    }

    /**
     * These connections are plaintext: a deployment that asked for TLS to the tokenizer must not start and silently
     * send prompts in the clear.
     */
    static void refuseTls(boolean tls, Optional<String> tlsConfiguration) {
        if (tls || tlsConfiguration.isPresent()) {
            throw new IllegalStateException("quarkus.grpc.clients.tokenizer.tls.* is set, but the gateway's tokenizer"
                    + " connections are plaintext only (TLS to the tokenizer service is not supported yet);"
                    + " remove the setting or run the tokenizer service on a trusted network");
        }
    }

    /** @param configuredCount how many connections; empty = one per event loop */
    TokenizerChannels(Vertx vertx, Optional<Integer> configuredCount, String host, int port, int maxInboundBytes) {
        List<EventLoop> eventLoops = new ArrayList<>();
        for (EventExecutor executor : vertx.nettyEventLoopGroup()) {
            eventLoops.add((EventLoop) executor);
        }
        int count = configuredCount.orElse(eventLoops.size());
        if (count < 1) {
            throw new IllegalArgumentException("baton.gateway.tokenizer-channels must be at least 1, was " + count);
        }
        for (int i = 0; i < count; i++) {
            EventLoop loop = eventLoops.get(i % eventLoops.size());
            // The loop itself as the channel's group: the connection's I/O and its callbacks stay on this thread.
            ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext()
                    .eventLoopGroup(loop).channelType(NioSocketChannel.class).directExecutor()
                    .maxInboundMessageSize(maxInboundBytes).build();
            loops.add(loop);
            channels.add(channel);
            stubs.add(MutinyTokenizerServiceGrpc.newMutinyStub(channel));
        }
        LOG.debugf("%d tokenizer connection(s) to %s:%d over %d event loop(s)", count, host, port, eventLoops.size());
    }

    /** Opens the connections at startup, so that a refused TLS setting stops the gateway before it serves. */
    void openAtStartup(@Observes StartupEvent startup) {
        LOG.debugf("tokenizer connections ready: %d", channels.size());
    }

    /** The stub of the calling event loop's connection, or the next one in turn for any other thread. */
    MutinyTokenizerServiceStub stub() {
        for (int i = 0; i < loops.size(); i++) {
            if (loops.get(i).inEventLoop()) {
                return stubs.get(i);
            }
        }
        return stubs.get(Math.floorMod(next.getAndIncrement(), stubs.size()));
    }

    @PreDestroy
    void close() throws InterruptedException {
        channels.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels) {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        }
    }
}
