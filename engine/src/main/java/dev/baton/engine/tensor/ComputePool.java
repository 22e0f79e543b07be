package dev.baton.engine.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads that run one data-parallel loop at a time. {@link #parallelFor} splits {@code [0, n)} into
 * {@link #threads()} contiguous ranges (range i is {@code [n*i/t, n*(i+1)/t)}, the same for every call), runs range 0
 * on the calling thread and the others on the workers, and returns when all are done.
 *
 * <p>A matrix multiply on a small model takes tens of microseconds, so dispatch must cost a few: idle workers spin on
 * a volatile generation counter for a short while ({@code spinNanos}) before parking, and the caller likewise spins
 * before parking while it waits. A pool serves one caller at a time; nested or concurrent {@code parallelFor} calls are
 * refused with {@link IllegalStateException} rather than deadlocking.
 */
public final class ComputePool implements AutoCloseable {
    /** A piece of a parallel loop: process indices {@code [from, to)}. */
    public interface RangeTask {
        void run(int from, int to);
    }

    /** How long idle threads spin before parking, unless told otherwise. */
    public static final long DEFAULT_SPIN_NANOS = 200_000;

    private final int threads;
    private final long spinNanos;
    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile long generation;
    private volatile RangeTask task;
    private volatile int size;
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

    /** First index of range {@code part} when {@code [0, n)} is split into {@code parts} ranges. */
    static int rangeStart(int n, int part, int parts) {
        return (int) ((long) n * part / parts);
    }

    /**
     * Runs {@code task} over {@code [0, n)} split into contiguous ranges, one per thread; empty ranges are skipped.
     * If any range throws, the first exception is rethrown here after every range has finished.
     */
    public void parallelFor(int n, RangeTask task) {
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
                    task.run(0, n);
                }
                return;
            }
            this.task = task;
            this.size = n;
            pending.set(workers.length);
            generation++; // publishes task and size to the workers
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w.thread);
                }
            }
            Throwable own = null;
            try {
                int to = rangeStart(n, 1, threads);
                if (to > 0) {
                    task.run(0, to);
                }
            } catch (Throwable t) {
                own = t;
            }
            awaitWorkers();
            this.task = null;
            Throwable first = own != null ? own : failure.getAndSet(null);
            failure.set(null);
            if (first != null) {
                rethrow(first);
            }
        } finally {
            busy.set(false);
        }
    }

    private void awaitWorkers() {
        long start = System.nanoTime();
        while (pending.get() != 0) {
            if (System.nanoTime() - start < spinNanos) {
                Thread.onSpinWait();
                continue;
            }
            waitingCaller = Thread.currentThread();
            if (pending.get() != 0) {
                LockSupport.park(this);
            }
            waitingCaller = null;
        }
    }

    private void finishedOne() {
        if (pending.decrementAndGet() == 0) {
            Thread caller = waitingCaller;
            if (caller != null) {
                LockSupport.unpark(caller);
            }
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
        generation++;
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
        final int part;
        final Thread thread;
        volatile boolean parked;

        Worker(int part) {
            this.part = part;
            this.thread = new Thread(this, "baton-compute-" + part);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long g = awaitGeneration(seen);
                seen = g;
                if (closed) {
                    return;
                }
                try {
                    int n = size;
                    int from = rangeStart(n, part, threads);
                    int to = rangeStart(n, part + 1, threads);
                    if (from < to) {
                        task.run(from, to);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    finishedOne();
                }
            }
        }

        private long awaitGeneration(long seen) {
            long start = System.nanoTime();
            while (true) {
                long g = generation;
                if (g != seen) {
                    return g;
                }
                if (System.nanoTime() - start < spinNanos) {
                    Thread.onSpinWait();
                    continue;
                }
                // Dekker-style handshake with parallelFor: announce parking, then re-check the generation.
                parked = true;
                if (generation == seen) {
                    LockSupport.park(ComputePool.this);
                }
                parked = false;
                start = System.nanoTime();
            }
        }
    }
}
