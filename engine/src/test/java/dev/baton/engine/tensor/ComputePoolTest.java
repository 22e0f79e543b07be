package dev.baton.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ComputePoolTest {
    @Test
    void everyIndexRunsExactlyOnceInTheFixedChunks() {
        try (ComputePool pool = new ComputePool(3)) {
            for (int n : new int[] {0, 1, 2, 3, 4, 7, 12, 13, 100, 1001}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                List<int[]> ranges = Collections.synchronizedList(new ArrayList<>());
                pool.parallelFor(n, (from, to) -> {
                    ranges.add(new int[] {from, to});
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "index " + i + " of " + n);
                }
                int chunks = pool.chunkCount(n);
                for (int[] r : ranges) {
                    assertTrue(r[0] < r[1], "no empty ranges are run");
                    int chunk = -1;
                    for (int c = 0; c < chunks; c++) {
                        if (ComputePool.chunkStart(n, c, chunks) == r[0]) {
                            chunk = c;
                        }
                    }
                    assertTrue(chunk >= 0 && ComputePool.chunkStart(n, chunk + 1, chunks) == r[1] || n == 1,
                            "range is one chunk of the fixed split");
                }
            }
        }
    }

    @Test
    void threadIndexIsZeroOnTheCallerAndOneIndexPerThread() {
        try (ComputePool pool = new ComputePool(3)) {
            Thread caller = Thread.currentThread();
            Map<Integer, Thread> byIndex = new ConcurrentHashMap<>();
            AtomicInteger mismatches = new AtomicInteger();
            for (int call = 0; call < 200; call++) {
                pool.parallelFor(64, (thread, from, to) -> {
                    Thread previous = byIndex.putIfAbsent(thread, Thread.currentThread());
                    if (previous != null && previous != Thread.currentThread()
                            || (thread == 0) != (Thread.currentThread() == caller)) {
                        mismatches.incrementAndGet();
                    }
                });
            }
            assertEquals(0, mismatches.get());
            assertTrue(byIndex.keySet().stream().allMatch(i -> i >= 0 && i < 3), byIndex.toString());
        }
    }

    @Test
    void callerFinishesTheLoopWhileAWorkerIsHeldUp() throws Exception {
        try (ComputePool pool = new ComputePool(2, 0)) {
            CountDownLatch workerStarted = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger callerChunks = new AtomicInteger();
            AtomicInteger doneWhileHeld = new AtomicInteger(-1);
            Thread caller = Thread.currentThread();
            // the worker blocks inside its first chunk; meanwhile the caller must run every other chunk itself
            Thread releaser = new Thread(() -> {
                try {
                    if (workerStarted.await(5, TimeUnit.SECONDS)) {
                        Thread.sleep(200);
                        doneWhileHeld.set(callerChunks.get());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                release.countDown();
            });
            releaser.start();
            int n = 8;
            pool.parallelFor(n, (from, to) -> {
                if (Thread.currentThread() == caller) {
                    callerChunks.addAndGet(to - from);
                } else if (workerStarted.getCount() > 0) {
                    workerStarted.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            releaser.join();
            if (doneWhileHeld.get() >= 0) {
                assertEquals(n - 1, doneWhileHeld.get(), "chunks the caller ran while the worker was held up");
            } else {
                assertEquals(n, callerChunks.get(), "the worker never woke, so the caller ran every chunk");
            }
        }
    }

    @Test
    void manyQuickDispatchesAllComplete() {
        try (ComputePool pool = new ComputePool(2, 1_000)) { // short spin: exercises park / unpark too
            AtomicInteger total = new AtomicInteger();
            for (int i = 0; i < 20_000; i++) {
                pool.parallelFor(4, (from, to) -> total.addAndGet(to - from));
            }
            assertEquals(80_000, total.get());
        }
    }

    @Test
    void backToBackLoopsOfChangingSizeRunEveryIndexOnce() {
        // a worker finishing one loop may meet the next loop's larger chunk count: it must not claim a chunk of the
        // old loop that does not exist (which once left the caller waiting forever)
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (ComputePool pool = new ComputePool(2, 1_000)) {
                int[] hits = new int[64];
                for (int i = 0; i < 50_000; i++) {
                    int n = i % 2 == 0 ? 2 : 64;
                    java.util.Arrays.fill(hits, 0);
                    pool.parallelFor(n, (from, to) -> {
                        for (int k = from; k < to; k++) {
                            hits[k]++;
                        }
                    });
                    for (int k = 0; k < n; k++) {
                        assertEquals(1, hits[k], "loop " + i + " index " + k);
                    }
                }
            }
        });
    }

    @Test
    void workerExceptionIsRethrownAfterAllRangesFinish() {
        try (ComputePool pool = new ComputePool(2)) {
            AtomicInteger done = new AtomicInteger();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.parallelFor(2,
                    (from, to) -> {
                        if (from == 1) {
                            throw new IllegalArgumentException("boom");
                        }
                        done.incrementAndGet();
                    }));
            assertEquals("boom", e.getMessage());
            assertEquals(1, done.get());
            AtomicInteger after = new AtomicInteger();
            pool.parallelFor(2, (from, to) -> after.incrementAndGet());
            assertEquals(2, after.get(), "pool still works after a failure");
        }
    }

    @Test
    void nestedUseIsRefused() {
        try (ComputePool pool = new ComputePool(2)) {
            assertThrows(IllegalStateException.class,
                    () -> pool.parallelFor(2, (from, to) -> pool.parallelFor(2, (a, b) -> { })));
        }
    }

    @Test
    void singleThreadRunsInline() {
        try (ComputePool pool = new ComputePool(1)) {
            Thread caller = Thread.currentThread();
            pool.parallelFor(5, (from, to) -> {
                assertSame(caller, Thread.currentThread());
                assertEquals(0, from);
                assertEquals(5, to);
            });
        }
    }

    @Test
    void closedPoolRefusesWork() {
        ComputePool pool = new ComputePool(2);
        pool.close();
        pool.close();
        assertThrows(IllegalStateException.class, () -> pool.parallelFor(2, (from, to) -> { }));
        assertThrows(IllegalArgumentException.class, () -> new ComputePool(0));
    }
}
