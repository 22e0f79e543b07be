package dev.baton.engine;

import dev.baton.engine.tensor.ComputePool;

/**
 * A two-thread {@link ComputePool} shared by the tests of one JVM that just need "a pool" (tests that vary the thread
 * count or test the pool itself make their own). Its threads are daemons, so it is never closed.
 */
public final class TestPools {
    private static ComputePool twoThreads;

    private TestPools() {
    }

    public static synchronized ComputePool twoThreads() {
        if (twoThreads == null) {
            twoThreads = new ComputePool(2);
        }
        return twoThreads;
    }
}
