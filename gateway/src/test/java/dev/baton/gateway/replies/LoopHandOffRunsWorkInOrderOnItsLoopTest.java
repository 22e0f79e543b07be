package dev.baton.gateway.replies;

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

/**
 * What the reply consumer thread hands to a request's event loop runs there, in order, with the request's context;
 * handed over in one batch, it waits for the batch's end.
 */
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
                int value = i;
                Runnable round = () -> {
                    for (int r = 0; r < requests; r++) {
                        ContextInternal context = contexts.get(r);
                        List<Integer> list = seen.get(r);
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
                };
                if (i % 2 == 0) {
                    round.run();
                } else {
                    handOff.inOneBatch(round); // as the reply consumer hands over a poll
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

    @Test
    void workHandedOverInABatchWaitsForItsEndThenRuns() throws Exception {
        LoopHandOff handOff = new LoopHandOff();
        ContextInternal context = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
        CountDownLatch ran = new CountDownLatch(2);
        List<Long> countsSeenInBatch = new ArrayList<>();
        Thread consumer = Thread.ofPlatform().start(() -> handOff.inOneBatch(() -> {
            handOff.run(context, ran::countDown);
            handOff.run(context, ran::countDown);
            try {
                Thread.sleep(200); // time enough for a woken loop to run both
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            countsSeenInBatch.add(ran.getCount());
        }));
        consumer.join();
        assertEquals(List.of(2L), countsSeenInBatch, "nothing ran before the batch was handed over");
        assertTrue(ran.await(10, TimeUnit.SECONDS), "both ran after it");
    }
}
