package dev.baton.worker.pipeline;

import dev.baton.proto.HandshakeRequest;
import dev.baton.proto.HandshakeResponse;
import dev.baton.proto.Open;
import dev.baton.proto.Opened;
import dev.baton.proto.Published;
import dev.baton.proto.StageDescription;
import dev.baton.proto.StageRequest;
import dev.baton.proto.StageResponse;
import dev.baton.proto.StageServiceGrpc;
import dev.baton.proto.StepResult;
import dev.baton.worker.stage.ModelSlice;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * This stage's gRPC side: Handshake for any caller, and, on every stage but the first, the pipeline stream from the
 * previous stage. One stream is served at a time: a new one (the previous stage restarted or reconnected) replaces
 * the old, whose sequences are freed. A stream is accepted only once the next stage, if any, accepted the stream this
 * stage opens to it, so a pipeline opens from its end: stage 0 sees {@code Opened} only when the whole chain is up.
 * When either neighbour goes away, the stream on the other side is ended too, and stage 0 rebuilds.
 */
public final class StageEndpoint extends StageServiceGrpc.StageServiceImplBase {
    private static final Logger LOG = Logger.getLogger(StageEndpoint.class);

    private final ModelSlice slice;
    private final StageProcessor processor;
    private final Executor steps;
    private final NextStage next;
    private final BooleanSupplier ready;
    private Session active;

    /**
     * @param processor this stage's processor (null on stage 0, whose scheduler owns it)
     * @param steps     the single thread that runs everything the processor does
     * @param next      the next stage, null on the last
     * @param ready     whether this stage is ready (slice loaded, next stage reachable)
     */
    public StageEndpoint(ModelSlice slice, StageProcessor processor, Executor steps, NextStage next,
                         BooleanSupplier ready) {
        this.slice = slice;
        this.processor = processor;
        this.steps = steps;
        this.next = next;
        this.ready = ready;
    }

    @Override
    public void handshake(HandshakeRequest request, StreamObserver<HandshakeResponse> response) {
        boolean isReady = ready.getAsBoolean();
        StageDescription self = slice.describe(isReady);
        String mismatch = request.hasCaller() ? StageAdjacency.mismatch(request.getCaller(), self) : null;
        HandshakeResponse.Builder answer = HandshakeResponse.newBuilder().setCallee(self)
                .setCompatible(mismatch == null && isReady);
        if (mismatch != null) {
            answer.setReason(mismatch);
        } else if (!isReady) {
            answer.setReason("stage " + slice.stageIndex() + " is not ready"
                    + (next != null ? " (its next stage " + next.target() + " is not reachable or does not fit)" : ""));
        }
        response.onNext(answer.build());
        response.onCompleted();
    }

    @Override
    public StreamObserver<StageRequest> step(StreamObserver<StageResponse> responses) {
        return new Session(responses);
    }

    /** Whether a previous stage is connected now. */
    public synchronized boolean connected() {
        return active != null;
    }

    /** Ends the current stream, if any (shutdown). */
    public void disconnect() {
        Session session;
        synchronized (this) {
            session = active;
        }
        if (session != null) {
            session.end(Status.UNAVAILABLE.withDescription("stage " + slice.stageIndex() + " is shutting down"));
        }
    }

    private final class Session implements StreamObserver<StageRequest>, Upstream {
        private final StreamObserver<StageResponse> responses;
        private final AtomicBoolean live = new AtomicBoolean(true);
        private boolean opened;
        private volatile NextStage.Stream downstream;

        Session(StreamObserver<StageResponse> responses) {
            this.responses = responses;
        }

        @Override
        public void onNext(StageRequest request) {
            if (!opened) {
                opened = true;
                open(request);
                return;
            }
            long receivedNanos = System.nanoTime();
            steps.execute(() -> {
                if (live.get()) {
                    processor.handle(request, receivedNanos);
                }
            });
        }

        private void open(StageRequest request) {
            if (slice.isFirst()) {
                fail(Status.FAILED_PRECONDITION.withDescription("stage 0 takes its requests from Kafka, not from a"
                        + " previous stage"));
                return;
            }
            if (!request.hasOpen()) {
                fail(Status.INVALID_ARGUMENT.withDescription("the first message of a pipeline stream must be Open"));
                return;
            }
            Open open = request.getOpen();
            String mismatch = StageAdjacency.mismatch(open.getCaller(), slice.describe(true));
            if (mismatch != null) {
                fail(Status.FAILED_PRECONDITION.withDescription(mismatch));
                return;
            }
            Session previous;
            synchronized (StageEndpoint.this) {
                previous = active;
                active = this;
            }
            if (previous != null) {
                previous.end(Status.ABORTED.withDescription("replaced by a newer stream from stage "
                        + open.getCaller().getStageIndex()));
            }
            if (next == null) {
                steps.execute(this::bind);
            } else {
                downstream = next.open(slice.describe(true), new NextStageListener());
            }
        }

        /** On the step thread: this session's messages go through the processor from now on. */
        private void bind() {
            if (!live.get()) {
                return;
            }
            processor.reset();
            NextStage.Stream stream = downstream;
            processor.bind(this, stream == null ? null : stream::send);
            send(StageResponse.newBuilder().setOpened(Opened.newBuilder().setCallee(slice.describe(true))).build());
            LOG.infof("stage %d: pipeline stream open", slice.stageIndex());
        }

        @Override
        public void result(StepResult result) {
            send(StageResponse.newBuilder().setResult(result).build());
        }

        @Override
        public void published(long sequenceId) {
            send(StageResponse.newBuilder().setPublished(Published.newBuilder().addSequenceIds(sequenceId)).build());
        }

        /** What the stream to the next stage reports, for this session. */
        private final class NextStageListener implements NextStage.Listener {
            @Override
            public void opened(StageDescription callee) {
                steps.execute(Session.this::bind);
            }

            @Override
            public void result(StepResult result) {
                if (live.get()) {
                    processor.nextStageResult(result);
                }
            }

            @Override
            public void published(Published published) {
                send(StageResponse.newBuilder().setPublished(published).build());
            }

            @Override
            public void closed(Status status) {
                end(Status.UNAVAILABLE.withDescription("stage " + (slice.stageIndex() + 1) + " at " + next.target()
                        + " went away: " + status));
            }
        }

        @Override
        public void onError(Throwable t) {
            end(null);
        }

        @Override
        public void onCompleted() {
            end(null);
        }

        private void fail(Status status) {
            live.set(false);
            synchronized (responses) {
                responses.onError(status.asRuntimeException());
            }
        }

        /** Ends this session: closes the stream to the next stage and frees everything admitted on it. */
        void end(Status status) {
            if (!live.compareAndSet(true, false)) {
                return;
            }
            NextStage.Stream stream = downstream;
            if (stream != null) {
                stream.close();
            }
            boolean current;
            synchronized (StageEndpoint.this) {
                current = active == this;
                if (current) {
                    active = null;
                }
            }
            if (current && processor != null) {
                steps.execute(processor::reset);
            }
            synchronized (responses) {
                try {
                    if (status == null) {
                        responses.onCompleted();
                    } else {
                        responses.onError(status.asRuntimeException());
                    }
                } catch (RuntimeException e) {
                    // the call is already gone
                }
            }
            if (status != null) {
                LOG.warnf("stage %d: pipeline stream ended: %s", slice.stageIndex(), status);
            }
        }

        private void send(StageResponse response) {
            if (!live.get()) {
                return;
            }
            synchronized (responses) {
                try {
                    responses.onNext(response);
                } catch (RuntimeException e) {
                    // the call was cancelled; onError ends the session
                }
            }
        }
    }
}
