package dev.baton.gateway.replies;

import io.netty.channel.EventLoop;
import io.vertx.core.impl.ContextInternal;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands work from the reply consumer thread to the event loops with one queued task per loop, not one per request:
 * a poll brings a token for each of the 32 (or 256) streams in flight, and each task queued on a sleeping loop is a
 * wake-up call into the kernel on the consumer's thread. The first hand-off to a loop queues its task; the ones
 * that come before the loop runs it ride along, and run in the order they came.
 *
 * <p>Inside {@link #inOneBatch} (the consumer handing over one poll's events) a loop is woken only once the whole
 * batch is handed over: otherwise a loop on the other core runs its task after the poll's first event and is woken
 * again for the next.
 */
@ApplicationScoped
public class LoopHandOff {
    private final ConcurrentHashMap<EventLoop, Loop> loops = new ConcurrentHashMap<>();
    /** The thread inside {@link #inOneBatch}, if any; only it touches {@link #toWake}. */
    private volatile Thread batching;
    private final List<Loop> toWake = new ArrayList<>();

    /** Runs {@code work} on {@code context}'s event loop, with that context current. Any thread. */
    public void run(ContextInternal context, Runnable work) {
        Loop loop = loops.computeIfAbsent(context.nettyEventLoop(), key -> new Loop(context.unwrap()));
        if (loop.add(context, work)) {
            if (Thread.currentThread() == batching) {
                toWake.add(loop);
            } else {
                loop.wake();
            }
        }
    }

    /**
     * Runs {@code handOver} on this thread and wakes each loop it handed work to once, at its end. One thread at a
     * time (the reply consumer).
     */
    public void inOneBatch(Runnable handOver) {
        batching = Thread.currentThread();
        try {
            handOver.run();
        } finally {
            batching = null;
            for (Loop loop : toWake) {
                loop.wake();
            }
            toWake.clear();
        }
    }

    private record Task(ContextInternal context, Runnable work) {
    }

    private static final class Loop {
        private final ContextInternal loopContext;
        private final Queue<Task> waiting = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean queued = new AtomicBoolean();

        Loop(ContextInternal loopContext) {
            this.loopContext = loopContext;
        }

        /** Adds work; true when the caller must {@link #wake} the loop (no run of the waiting work is queued yet). */
        boolean add(ContextInternal context, Runnable work) {
            waiting.add(new Task(context, work));
            return queued.compareAndSet(false, true);
        }

        void wake() {
            loopContext.runOnContext(ignored -> runWaiting());
        }

        private void runWaiting() {
            queued.set(false); // before taking: work added from here on is taken now or queues the task again
            for (Task task = waiting.poll(); task != null; task = waiting.poll()) {
                Runnable work = task.work();
                task.context().emit(null, ignored -> work.run());
            }
        }
    }
}
