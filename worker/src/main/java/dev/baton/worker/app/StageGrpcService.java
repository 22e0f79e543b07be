package dev.baton.worker.app;

import dev.baton.proto.HandshakeRequest;
import dev.baton.proto.HandshakeResponse;
import dev.baton.proto.StageRequest;
import dev.baton.proto.StageResponse;
import dev.baton.proto.StageServiceGrpc;
import dev.baton.worker.runtime.StageRuntime;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;

/**
 * Serves {@code StageService} on the HTTP port through Quarkus gRPC, delegating to the stage's
 * {@link dev.baton.worker.pipeline.StageEndpoint}; UNAVAILABLE until the stage has started.
 */
@GrpcService
public class StageGrpcService extends StageServiceGrpc.StageServiceImplBase {
    private final WorkerLifecycle lifecycle;

    public StageGrpcService(WorkerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public void handshake(HandshakeRequest request, StreamObserver<HandshakeResponse> response) {
        StageRuntime runtime = lifecycle.runtime();
        if (runtime == null) {
            response.onError(notStarted());
        } else {
            runtime.endpoint().handshake(request, response);
        }
    }

    @Override
    public StreamObserver<StageRequest> step(StreamObserver<StageResponse> responses) {
        StageRuntime runtime = lifecycle.runtime();
        if (runtime == null) {
            responses.onError(notStarted());
            return new StreamObserver<>() {
                @Override
                public void onNext(StageRequest request) {
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            };
        }
        return runtime.endpoint().step(responses);
    }

    private static RuntimeException notStarted() {
        return Status.UNAVAILABLE.withDescription("the stage is still starting").asRuntimeException();
    }
}
