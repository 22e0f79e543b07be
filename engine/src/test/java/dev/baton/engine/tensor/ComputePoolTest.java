package dev.baton.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ComputePoolTest {
    @Test
    void everyIndexRunsExactlyOnceInContiguousDeterministicRanges() {
        try (ComputePool pool = new ComputePool(3)) {
            for (int n : new int[] {0, 1, 2, 3, 4, 7, 100, 1001}) {
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
                for (int[] r : ranges) {
                    assertTrue(r[0] < r[1], "no empty ranges are run");
                    int part = -1;
                    for (int p = 0; p < 3; p++) {
                        if (ComputePool.rangeStart(n, p, 3) == r[0]) {
                            part = p;
                        }
                    }
                    assertTrue(part >= 0 && ComputePool.rangeStart(n, part + 1, 3) == r[1] || n == 1,
                            "range follows the fixed split");
                }
            }
        }
    }

    @Test
    void callerRunsTheFirstRange() {
        try (ComputePool pool = new ComputePool(2)) {
            Thread caller = Thread.currentThread();
            Thread[] firstRangeThread = new Thread[1];
            pool.parallelFor(10, (from, to) -> {
                if (from == 0) {
                    firstRangeThread[0] = Thread.currentThread();
                }
            });
            assertSame(caller, firstRangeThread[0]);
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
