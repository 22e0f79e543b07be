package dev.baton.engine.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads that run one data-parallel loop at a time. {@link #parallelFor} splits {@code [0, n)} into
 * at most {@link #CHUNKS_PER_THREAD} × {@link #threads()} contiguous chunks (chunk i of c is
 * {@code [n*i/c, n*(i+1)/c)}, the same for every call with the same n), which the calling thread and the workers claim
 * one at a time until none is left; it returns when every claimed chunk is done.
 *
 * <p>Claiming rather than a fixed range per thread is what keeps a loop fast when one thread is late: on a shared
 * machine a thread may be descheduled for milliseconds, and a parked worker takes tens of microseconds to wake, while
 * a matrix multiply of a small model takes tens of microseconds. With fixed ranges every loop waited for its slowest
 * thread; with claiming the threads that run take the late one's share (the caller alone finishes a loop whose
 * workers never woke). Which thread computes a chunk varies from call to call, so tasks must not depend on it (every
 * kernel here computes each output in a fixed order); a task that needs per-thread scratch learns its thread's index
 * ({@link ThreadRangeTask}).
 *
 * <p>Idle workers spin on the claim counter for a short while ({@code spinNanos}) before parking, and the caller
 * likewise spins before parking while it waits for chunks still running. A pool serves one caller at a time; nested or
 * concurrent {@code parallelFor} calls are refused with {@link IllegalStateException} rather than deadlocking.
 */
public final class ComputePool implements AutoCloseable {
    /** A piece of a parallel loop: process indices {@code [from, to)}. */
    public interface RangeTask {
        void run(int from, int to);
    }

    /**
     * A piece of a parallel loop that is told which of the pool's threads runs it: {@code thread} is 0 on the calling
     * thread and 1 … {@code threads() - 1} on the workers, and no two pieces run at once with the same index.
     */
    public interface ThreadRangeTask {
        void run(int thread, int from, int to);
    }

    /** How long idle threads spin before parking, unless told otherwise. */
    public static final long DEFAULT_SPIN_NANOS = 200_000;
    /** Chunks per thread: enough for the others to absorb one late thread, few enough that claiming costs nothing. */
    static final int CHUNKS_PER_THREAD = 4;

    private final int threads;
    private final long spinNanos;
    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    /**
     * Claims {@code claims} holds between loops: its generation bits match no loop. A worker may read a claim of the
     * previous loop and then the next loop's chunk count; setting this before the next loop's fields are written makes
     * its compare-and-set fail instead of claiming a chunk that does not exist.
     */
    private static final long BETWEEN_LOOPS = -1L;

    /** The loop in progress and its next unclaimed chunk: (generation << 32) | chunk. */
    private final AtomicLong claims = new AtomicLong(BETWEEN_LOOPS);
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private long generation;
    private volatile RangeTask task;
    private volatile ThreadRangeTask threadTask;
    private volatile int size;
    private volatile int chunks;
    private volatile boolean closed;
    private volatile Thread waitingCaller;

    /** A pool of {@code threads} threads in total, the caller included ({@code threads - 1} workers are started). */
    public ComputePool(int threads) {
        this(threads, DEFAULT_SPIN_NANOS);
    }

    public ComputePool(int threads, long spinNanos) {
        if (threads < 1) {
            throw new IllegalArgumentException("a compute pool needs at least one thread, got " + threads);
        }
        if (spinNanos < 0) {
            throw new IllegalArgumentException("spinNanos must not be negative, got " + spinNanos);
        }
        this.threads = threads;
        this.spinNanos = spinNanos;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].thread.start();
        }
    }

    /** A pool with one thread per available processor. */
    public static ComputePool ofAvailableProcessors() {
        return new ComputePool(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /** Number of chunks {@code [0, n)} is split into. */
    int chunkCount(int n) {
        return Math.min(n, threads * CHUNKS_PER_THREAD);
    }

    /** First index of chunk {@code chunk} when {@code [0, n)} is split into {@code chunks} chunks. */
    static int chunkStart(int n, int chunk, int chunks) {
        return (int) ((long) n * chunk / chunks);
    }

    /**
     * Runs {@code task} over {@code [0, n)} in contiguous chunks spread over the threads; every index runs exactly
     * once. If any chunk throws, the first exception is rethrown here after every claimed chunk has finished.
     */
    public void parallelFor(int n, RangeTask task) {
        run(n, task, null);
    }

    /** As {@link #parallelFor(int, RangeTask)}, telling each chunk which thread runs it. */
    public void parallelFor(int n, ThreadRangeTask task) {
        run(n, null, task);
    }

    private void run(int n, RangeTask rangeTask, ThreadRangeTask indexedTask) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, got " + n);
        }
        if (closed) {
            throw new IllegalStateException("compute pool is closed");
        }
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException("compute pool is already running a parallelFor"
                    + " (nested or concurrent use of one pool is not supported)");
        }
        try {
            if (threads == 1 || n <= 1) {
                if (n > 0) {
                    runRange(rangeTask, indexedTask, 0, 0, n);
                }
                return;
            }
            claims.set(BETWEEN_LOOPS);
            this.task = rangeTask;
            this.threadTask = indexedTask;
            this.size = n;
            this.chunks = chunkCount(n);
            completed.set(0);
            long g = ++generation & 0x7fffffff;
            claims.set(g << 32); // publishes the loop to the workers
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w.thread);
                }
            }
            runChunks(g, 0);
            awaitChunks();
            this.task = null;
            this.threadTask = null;
            Throwable first = failure.getAndSet(null);
            if (first != null) {
                rethrow(first);
            }
        } finally {
            busy.set(false);
        }
    }

    /** Claims and runs chunks of loop {@code g} until none is left or another loop has started. */
    private void runChunks(long g, int thread) {
        while (true) {
            long claim = claims.get();
            if (claim >>> 32 != g) {
                return;
            }
            int chunk = (int) claim;
            int count = chunks;
            if (chunk >= count) {
                return;
            }
            if (!claims.compareAndSet(claim, claim + 1)) {
                continue;
            }
            // the loop cannot end before this chunk completes, so its fields stay valid until then
            try {
                int n = size;
                runRange(task, threadTask, thread, chunkStart(n, chunk, count), chunkStart(n, chunk + 1, count));
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
            if (completed.incrementAndGet() == count) {
                Thread caller = waitingCaller;
                if (caller != null) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    private static void runRange(RangeTask rangeTask, ThreadRangeTask indexedTask, int thread, int from, int to) {
        if (indexedTask != null) {
            indexedTask.run(thread, from, to);
        } else {
            rangeTask.run(from, to);
        }
    }

    private void awaitChunks() {
        int count = chunks;
        long start = System.nanoTime();
        while (completed.get() != count) {
            if (System.nanoTime() - start < spinNanos) {
                Thread.onSpinWait();
                continue;
            }
            waitingCaller = Thread.currentThread();
            if (completed.get() != count) {
                LockSupport.park(this);
            }
            waitingCaller = null;
        }
    }

    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    /** Stops the workers, after a {@code parallelFor} running on another thread has finished (idempotent). */
    @Override
    public void close() {
        while (!busy.compareAndSet(false, true)) {
            Thread.yield();
        }
        if (closed) {
            busy.set(false);
            return;
        }
        closed = true;
        busy.set(false);
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
        for (Worker w : workers) {
            try {
                w.thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Worker implements Runnable {
        final int index;
        final Thread thread;
        volatile boolean parked;

        Worker(int index) {
            this.index = index;
            this.thread = new Thread(this, "baton-compute-" + index);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long g = awaitLoop(seen);
                if (closed) {
                    return;
                }
                seen = g;
                runChunks(g, index);
            }
        }

        /** Waits for a loop other than {@code seen} (or for the pool to close) and returns its generation. */
        private long awaitLoop(long seen) {
            long start = System.nanoTime();
            while (true) {
                long claim = claims.get();
                if (claim != BETWEEN_LOOPS && claim >>> 32 != seen || closed) {
                    return claim >>> 32;
                }
                if (System.nanoTime() - start < spinNanos) {
                    Thread.onSpinWait();
                    continue;
                }
                // Dekker-style handshake with parallelFor: announce parking, then re-check the generation.
                parked = true;
                long now = claims.get();
                if ((now == BETWEEN_LOOPS || now >>> 32 == seen) && !closed) {
                    LockSupport.park(ComputePool.this);
                }
                parked = false;
                start = System.nanoTime();
            }
        }
    }
}
