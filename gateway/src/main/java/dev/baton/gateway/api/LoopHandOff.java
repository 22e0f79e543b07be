package dev.baton.gateway.api;

import io.netty.channel.EventLoop;
import io.vertx.core.impl.ContextInternal;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands work from the reply consumer thread to the event loops with one queued task per loop, not one per request:
 * a poll brings a token for each of the 32 (or 256) streams in flight, and each task queued on a sleeping loop is a
 * wake-up call into the kernel on the consumer's thread. The first hand-off to a loop queues its task; the ones
 * that come before the loop runs it ride along, and run in the order they came.
 */
@ApplicationScoped
class LoopHandOff {
    private final ConcurrentHashMap<EventLoop, Loop> loops = new ConcurrentHashMap<>();

    /** Runs {@code work} on {@code context}'s event loop, with that context current. Any thread. */
    void run(ContextInternal context, Runnable work) {
        loops.computeIfAbsent(context.nettyEventLoop(), loop -> new Loop(context.unwrap())).add(context, work);
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

        void add(ContextInternal context, Runnable work) {
            waiting.add(new Task(context, work));
            if (queued.compareAndSet(false, true)) {
                loopContext.runOnContext(ignored -> runWaiting());
            }
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
