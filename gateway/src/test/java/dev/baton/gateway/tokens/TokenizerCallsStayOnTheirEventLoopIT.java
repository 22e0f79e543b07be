package dev.baton.gateway.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.baton.gateway.system.ServiceProcess;
import dev.baton.proto.EncodeRequest;
import dev.baton.proto.EncodeResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's tokenizer connections against the real tokenizer service: a call made on an event loop is sent and
 * answered on that same thread (no hand-off to another loop or an executor), calls from other threads still work,
 * and a service that is not there is an UNAVAILABLE failure rather than a hang.
 */
class TokenizerCallsStayOnTheirEventLoopIT {
    private static final EncodeRequest ONCE_UPON_A_TIME = EncodeRequest.newBuilder()
            .setText(ByteString.copyFrom("Once upon a time", StandardCharsets.UTF_8)).setAddSpecial(true).build();
    private static ServiceProcess tokenizer;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        Path shared = Path.of(System.getProperty("baton.shared", System.getenv().getOrDefault("BATON_SHARED", "../../shared")));
        tokenizer = ServiceProcess.start("tokenizer-channels", "tokenizer-service",
                Map.of("baton.tokenizer.model", shared.resolve("models/stories260K.gguf").toAbsolutePath().toString()));
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(3));
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        tokenizer.close();
    }

    @Test
    void aCallMadeOnAnEventLoopIsAnsweredOnThatLoop() throws Exception {
        TokenizerChannels channels = new TokenizerChannels(vertx, Optional.empty(), "127.0.0.1", tokenizer.port(), 1 << 20);
        try {
            List<Integer> expected = encodeFromHere(channels);
            for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
                CompletableFuture<Thread> answeredOn = new CompletableFuture<>();
                CompletableFuture<Thread> calledOn = new CompletableFuture<>();
                loop.execute(() -> {
                    calledOn.complete(Thread.currentThread());
                    channels.stub().encode(ONCE_UPON_A_TIME).subscribe().with(response -> {
                        assertEquals(expected, response.getIdsList());
                        answeredOn.complete(Thread.currentThread());
                    }, answeredOn::completeExceptionally);
                });
                assertSame(calledOn.get(), answeredOn.get(), "answered on another thread than the calling loop");
            }
        } finally {
            channels.close();
        }
    }

    @Test
    void fewerConnectionsThanLoopsStillServeEveryLoop() throws Exception {
        TokenizerChannels channels = new TokenizerChannels(vertx, Optional.of(1), "127.0.0.1", tokenizer.port(), 1 << 20);
        try {
            List<Integer> expected = encodeFromHere(channels);
            for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
                CompletableFuture<List<Integer>> ids = new CompletableFuture<>();
                loop.execute(() -> channels.stub().encode(ONCE_UPON_A_TIME).subscribe()
                        .with(response -> ids.complete(response.getIdsList()), ids::completeExceptionally));
                assertEquals(expected, ids.get());
            }
        } finally {
            channels.close();
        }
    }

    @Test
    void anAbsentServiceIsUnavailable() throws Exception {
        TokenizerChannels channels = new TokenizerChannels(vertx, Optional.empty(), "127.0.0.1", ServiceProcess.freePort(), 1 << 20);
        try {
            StatusRuntimeException failure = assertThrows(StatusRuntimeException.class,
                    () -> channels.stub().encode(ONCE_UPON_A_TIME).await().atMost(Duration.ofSeconds(30)));
            assertEquals(Status.Code.UNAVAILABLE, failure.getStatus().getCode());
        } finally {
            channels.close();
        }
    }

    private static List<Integer> encodeFromHere(TokenizerChannels channels) {
        EncodeResponse response = channels.stub().encode(ONCE_UPON_A_TIME).await().atMost(Duration.ofSeconds(30));
        assertNotEquals(0, response.getIdsCount());
        return response.getIdsList();
    }
}
