package dev.baton.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the reply consumer thread hands to a request's event loop runs there, in order, with the request's context. */
class LoopHandOffRunsWorkInOrderOnItsLoopTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void everyRequestsWorkRunsInOrderOnItsOwnLoopWithItsContext() throws InterruptedException {
        LoopHandOff handOff = new LoopHandOff();
        int requests = 16;
        int perRequest = 500;
        List<ContextInternal> contexts = new ArrayList<>();
        List<List<Integer>> seen = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            // a request's context is a duplicate of its loop's, as in a route
            contexts.add(((ContextInternal) vertx.getOrCreateContext()).duplicate());
            seen.add(new ArrayList<>());
        }
        CountDownLatch done = new CountDownLatch(requests * perRequest);
        List<String> wrongPlace = new ArrayList<>();
        Thread consumer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < perRequest; i++) {
                for (int r = 0; r < requests; r++) {
                    ContextInternal context = contexts.get(r);
                    List<Integer> list = seen.get(r);
                    int value = i;
                    handOff.run(context, () -> {
                        if (Vertx.currentContext() != context || !Context.isOnEventLoopThread()) {
                            synchronized (wrongPlace) {
                                wrongPlace.add("work of " + value + " ran on " + Thread.currentThread().getName());
                            }
                        }
                        list.add(value); // only ever touched on this context's loop
                        done.countDown();
                    });
                }
            }
        });
        consumer.join();
        assertTrue(done.await(30, TimeUnit.SECONDS), "all work ran");
        assertEquals(List.of(), wrongPlace);
        for (int r = 0; r < requests; r++) {
            assertEquals(perRequest, seen.get(r).size());
            for (int i = 0; i < perRequest; i++) {
                assertEquals(i, seen.get(r).get(i), "request " + r + " in order");
            }
        }
    }
}
