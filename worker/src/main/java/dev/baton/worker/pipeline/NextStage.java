package dev.baton.worker.pipeline;

import dev.baton.proto.HandshakeRequest;
import dev.baton.proto.HandshakeResponse;
import dev.baton.proto.Open;
import dev.baton.proto.Published;
import dev.baton.proto.StageDescription;
import dev.baton.proto.StageRequest;
import dev.baton.proto.StageResponse;
import dev.baton.proto.StageServiceGrpc;
import dev.baton.proto.StepResult;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The connection from this stage to the next one ({@code baton.worker.next}): a gRPC channel, the Handshake that
 * readiness uses, and the pipeline stream ({@link #open}), one at a time. Plain grpc-java over Netty, so a stage runs
 * the same inside Quarkus and in a test that starts several stages in one JVM.
 */
public final class NextStage implements AutoCloseable {
    /** Largest message either way: a step of max-step-tokens rows of activations fits with room to spare. */
    public static final int MAX_MESSAGE_BYTES = 256 << 20;

    private final String target;
    private final ManagedChannel channel;

    /** What the stream reports, on the connection's event loop: implementations must not block. */
    public interface Listener {
        void opened(StageDescription callee);

        void result(StepResult result);

        void published(Published published);

        /** The stream ended: refused, failed, or the next stage went away. Not called after {@link Stream#close}. */
        void closed(Status status);
    }

    /** @param target {@code host:port} */
    public NextStage(String target) {
        this.target = target;
        // Listeners run on the connection's event loop (they only hand work on, never block): gRPC's default
        // executor would add a thread wake-up to every step's way back, which on a busy machine costs milliseconds.
        this.channel = NettyChannelBuilder.forTarget(target).usePlaintext().directExecutor()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .build();
    }

    public String target() {
        return target;
    }

    /**
     * Asks the next stage who it is and whether it fits after {@code self}.
     *
     * @throws io.grpc.StatusRuntimeException when it cannot be reached within {@code timeout}
     */
    public HandshakeResponse handshake(StageDescription self, Duration timeout) {
        return StageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handshake(HandshakeRequest.newBuilder().setCaller(self).build());
    }

    /** Opens a pipeline stream and sends {@code Open}; the listener hears {@code opened} when the next stage accepts. */
    public Stream open(StageDescription self, Listener listener) {
        Stream stream = new Stream(listener);
        stream.requests = StageServiceGrpc.newStub(channel).step(stream.responses());
        stream.send(StageRequest.newBuilder().setOpen(Open.newBuilder().setCaller(self)).build());
        return stream;
    }

    /** One pipeline stream. {@link #send} may be called from any thread; messages keep their order. */
    public static final class Stream {
        private final Listener listener;
        private final AtomicBoolean ended = new AtomicBoolean();
        private StreamObserver<StageRequest> requests;

        private Stream(Listener listener) {
            this.listener = listener;
        }

        private StreamObserver<StageResponse> responses() {
            return new StreamObserver<>() {
                @Override
                public void onNext(StageResponse response) {
                    switch (response.getKindCase()) {
                        case OPENED -> listener.opened(response.getOpened().getCallee());
                        case RESULT -> listener.result(response.getResult());
                        case PUBLISHED -> listener.published(response.getPublished());
                        default -> {
                            // a newer peer's message kind: nothing to do with it
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    end(Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                    end(Status.UNAVAILABLE.withDescription("the next stage ended the stream"));
                }
            };
        }

        private void end(Status status) {
            if (ended.compareAndSet(false, true)) {
                listener.closed(status);
            }
        }

        /** Sends a message; dropped when the stream has ended (the listener heard why). */
        public synchronized void send(StageRequest request) {
            if (ended.get()) {
                return;
            }
            try {
                requests.onNext(request);
            } catch (RuntimeException e) {
                // the call was cancelled under us; onError follows on the response side
            }
        }

        public boolean isOpen() {
            return !ended.get();
        }

        /** Ends the stream from this side: the next stage frees everything admitted on it. */
        public synchronized void close() {
            if (ended.compareAndSet(false, true)) {
                try {
                    requests.onCompleted();
                } catch (RuntimeException e) {
                    // already cancelled
                }
            }
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
