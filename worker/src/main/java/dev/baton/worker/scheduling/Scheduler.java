package dev.baton.worker.scheduling;

import dev.baton.engine.model.KvCache;
import dev.baton.engine.model.StepBatch;
import dev.baton.kafka.RequestTrace;
import dev.baton.proto.Admit;
import dev.baton.proto.ErrorCode;
import dev.baton.proto.ErrorInfo;
import dev.baton.proto.FinishReason;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.Published;
import dev.baton.proto.Release;
import dev.baton.proto.ReleaseReason;
import dev.baton.proto.SampledToken;
import dev.baton.proto.SequenceFailure;
import dev.baton.proto.StageDescription;
import dev.baton.proto.StepResult;
import dev.baton.worker.control.CancelledRequests;
import dev.baton.worker.output.DeadLetters;
import dev.baton.worker.output.ReplyPublisher;
import dev.baton.worker.pipeline.NextStage;
import dev.baton.worker.pipeline.StageProcessor;
import dev.baton.worker.pipeline.Upstream;
import dev.baton.worker.stage.ModelSlice;
import dev.baton.worker.stage.RequestParameters;
import dev.baton.worker.stats.StageStats;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Stage 0's loop: reads requests ({@link RequestIntake}), keeps the running set, and feeds the pipeline.
 *
 * <p><b>Continuous batching.</b> Between steps, queued requests join the running set while it has room: at most
 * max-batch sequences, and KV pages for each one's whole length (prompt + max_tokens, or the context) reserved up
 * front, so a running sequence never finds the cache full. Finished sequences leave between steps.
 *
 * <p><b>Micro-batches.</b> A sequence is in at most one step at a time (its next token depends on the last one), so
 * the running set is spread over up to {@code micro-batches} steps in flight (default: the stage count): while stage
 * k works on step i, stage k+1 works on step i-1. Each step takes tokens {@code [fed, length)} of its sequences, at
 * most a prefill chunk each and max-step-tokens in all, so prompts are prefilled in chunks through the same pipeline
 * and decode tokens batch with them.
 *
 * <p><b>Finishing.</b> The last stage relays sampled tokens back; a token with a finish reason ends the sequence,
 * which is released on every stage. Its request counts as done, and its offset becomes committable, only when the
 * last stage reports the terminal event acknowledged by the broker ({@code Published}).
 *
 * <p><b>Losing the next stage.</b> Every running sequence is kept here with its tokens; when the stream comes back,
 * each is admitted again with the tokens generated so far and re-prefilled from position 0, so the client's stream
 * continues with the same tokens (the last stage rebuilds its text state from them).
 *
 * <p><b>Draining.</b> Before a pipeline is scaled away, {@link #drain()} stops admitting requests; once the running
 * ones have finished and their events are acknowledged, stage 0 commits and leaves the consumer group, so its
 * partitions, with the requests it had read but not started, move to the other pipelines. {@link #resume()} undoes it.
 *
 * <p>Everything runs on one thread; other threads hand it work through {@link #post}.
 */
public final class Scheduler implements RequestIntake.Admission, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Scheduler.class);
    /** Longest wait for a request or an event when there is no step to run; {@link #post} cuts it short. */
    private static final Duration WAIT = Duration.ofMillis(50);
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final ModelSlice slice;
    private final StageProcessor processor;
    private final NextStage next;
    private final RequestIntake intake;
    private final StageStats stats;
    private final int microBatches;
    private final int prefillChunk;
    private final int maxStepTokens;
    private final Duration shutdownGrace;
    private final KvCache cache;
    private final StepBatch batch;
    private final LinkedBlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private final Thread thread;

    private final Map<Long, Sequence> live = new HashMap<>();
    private final Map<String, Sequence> byRequest = new HashMap<>();
    private final ArrayDeque<Sequence> ready = new ArrayDeque<>();
    private final Map<Long, Step> inFlight = new HashMap<>();
    private long nextSequenceId = 1;
    private long nextStepId = 1;
    private int reservedPages;
    private int ending;

    private enum Link { DOWN, OPENING, OPEN }

    private Link link = Link.DOWN;
    private NextStage.Stream stream;
    private long reconnectAtNanos;
    private long backoffMillis = 100;
    private volatile boolean linkOpen;
    private volatile boolean stopping;
    private final AtomicReference<Drain> drain = new AtomicReference<>(Drain.SERVING);
    private volatile Throwable crashed;
    private long stopDeadlineNanos;

    /** Whether stage 0 takes requests: serving, draining (finishing what runs), or drained (out of the group). */
    public enum Drain { SERVING, DRAINING, DRAINED }

    /** A step in flight: its sequences. */
    private record Step(List<Sequence> members) {
    }

    /**
     * @param next       the next stage, null when this is the only stage
     * @param consumer   a consumer for baton.requests in the pipelines' group (byte arrays, auto-commit off)
     */
    public Scheduler(ModelSlice slice, StageProcessor processor, NextStage next,
                     Consumer<byte[], byte[]> consumer, ReplyPublisher replies, DeadLetters deadLetters,
                     CancelledRequests cancelled, StageStats stats, int microBatches, int prefillChunk,
                     int maxStepTokens, Duration shutdownGrace) {
        if ((next == null) != slice.isLast()) {
            throw new IllegalArgumentException("stage 0 needs a next stage exactly when the pipeline has several");
        }
        this.slice = slice;
        this.processor = processor;
        this.next = next;
        this.stats = stats;
        this.microBatches = Math.max(1, microBatches);
        this.prefillChunk = prefillChunk;
        this.maxStepTokens = Math.min(maxStepTokens, slice.stage().capacity().maxTokens());
        this.shutdownGrace = shutdownGrace;
        this.cache = slice.stage().cache();
        this.batch = slice.stage().capacity().newBatch();
        this.intake = new RequestIntake(consumer,
                new RequestCheck(slice.modelName(), slice.model().vocabSize(), slice.maxContext(), replies),
                replies, deadLetters, cancelled, stats, this::post);
        this.thread = new Thread(this::run, "baton-stage0-scheduler");
    }

    public void start() {
        thread.start();
    }

    /** Runs {@code task} on the scheduler thread, waking it when it waits for requests. */
    public void post(Runnable task) {
        events.add(task);
        intake.wakeUp();
    }

    /** A cancel from baton.control. */
    public void cancel(String requestId) {
        post(() -> cancelNow(requestId));
    }

    /** Taking requests: subscribed, the whole pipeline connected, not shutting down or draining. */
    public boolean ready() {
        return thread.isAlive() && !stopping && drain.get() == Drain.SERVING && linkOpen && intake.subscribed();
    }

    /** Stops admitting requests and, once the running ones are done, leaves the consumer group. */
    public void drain() {
        if (drain.compareAndSet(Drain.SERVING, Drain.DRAINING)) {
            LOG.infof("draining: no new requests; %d running", stats.running.get());
        }
    }

    /**
     * Takes requests again after {@link #drain()}: at once while still draining; after leaving the group, once the
     * scheduler thread has rejoined it.
     */
    public void resume() {
        if (drain.compareAndSet(Drain.DRAINING, Drain.SERVING)) {
            LOG.info("drain undone: taking requests again");
            return;
        }
        post(() -> {
            if (drain.get() == Drain.DRAINED) {
                intake.rejoin();
                drain.set(Drain.SERVING);
                LOG.info("drain undone: rejoined the consumer group");
            }
        });
    }

    public Drain drainState() {
        return drain.get();
    }

    /** The loop is running (or finished a graceful stop) and did not crash. */
    public boolean live() {
        return crashed == null;
    }

    private final Upstream upstream = new Upstream() {
        @Override
        public void result(StepResult result) {
            post(() -> onResult(result));
        }

        @Override
        public void published(long sequenceId) {
            post(() -> onPublished(sequenceId));
        }
    };

    private void run() {
        try {
            intake.start(this);
            if (next == null) {
                processor.bind(upstream, null);
                link = Link.OPEN;
                linkOpen = true;
            }
            while (true) {
                runEvents();
                if (stopping && (live.isEmpty() || System.nanoTime() > stopDeadlineNanos)) {
                    break;
                }
                maintainLink();
                finishDrain();
                boolean accepting = !stopping && drain.get() == Drain.SERVING && link == Link.OPEN;
                if (!intake.subscribed()) {
                    // drained, out of the group: nothing to poll, so wait for an event alone
                    Runnable event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    if (event != null) {
                        event.run();
                    }
                } else if (hasStepToRun()) {
                    intake.poll(Duration.ZERO, accepting);
                } else {
                    // a request, or a posted event (a step's result), whichever comes first
                    intake.pollUntilWoken(WAIT, accepting, () -> !events.isEmpty());
                }
                if (accepting) {
                    intake.admitQueued();
                }
                runSteps();
                intake.commit();
            }
            if (!live.isEmpty()) {
                LOG.infof("shutdown: handing back %d unfinished requests", live.size());
                handBack(live.values().stream().map(s -> s.partition).distinct().toList());
            }
        } catch (Throwable t) {
            crashed = t;
            LOG.error("stage 0 scheduler crashed", t);
        } finally {
            linkOpen = false;
            if (stream != null) {
                stream.close();
            }
            intake.close();
        }
    }

    private void runEvents() {
        Runnable event;
        while ((event = events.poll()) != null) {
            event.run();
        }
    }

    private void finishDrain() {
        if (drain.get() == Drain.DRAINING && live.isEmpty() && intake.onlyQueuedPending()
                && drain.compareAndSet(Drain.DRAINING, Drain.DRAINED)) {
            intake.leave();
            LOG.info("drained: every running request finished; left the consumer group");
        }
    }

    // ---- the link to the next stage

    private void maintainLink() {
        if (next == null || link != Link.DOWN || stopping || System.nanoTime() < reconnectAtNanos) {
            return;
        }
        LinkListener listener = new LinkListener();
        NextStage.Stream opening = next.open(slice.describe(true), listener);
        listener.stream = opening;
        stream = opening;
        processor.bind(upstream, opening::send);
        link = Link.OPENING;
    }

    /** Events of one stream to the next stage; those of a replaced stream are ignored. */
    private final class LinkListener implements NextStage.Listener {
        private NextStage.Stream stream;

        private boolean current() {
            return Scheduler.this.stream == stream;
        }

        @Override
        public void opened(StageDescription callee) {
            post(() -> {
                if (current() && link == Link.OPENING) {
                    onLinkOpened(callee);
                }
            });
        }

        @Override
        public void result(StepResult result) {
            processor.nextStageResult(result);
        }

        @Override
        public void published(Published published) {
            for (long id : published.getSequenceIdsList()) {
                upstream.published(id);
            }
        }

        @Override
        public void closed(Status status) {
            post(() -> {
                if (current()) {
                    onLinkLost(status);
                }
            });
        }
    }

    private void onLinkOpened(StageDescription callee) {
        link = Link.OPEN;
        linkOpen = true;
        backoffMillis = 100;
        LOG.infof("pipeline connected: next stage %s serves blocks [%d, %d)", next.target(),
                callee.getLayers().getFrom(), callee.getLayers().getTo());
        List<Sequence> rebuilt = new ArrayList<>(live.values());
        rebuilt.sort(Comparator.comparingLong(s -> s.id));
        for (Sequence s : rebuilt) {
            processor.admit(admitMessage(s));
            if (s.state == Sequence.State.ENDING) {
                processor.release(releaseMessage(s));
            } else {
                ready.add(s);
            }
        }
    }

    private void onLinkLost(Status status) {
        if (link == Link.DOWN) {
            return;
        }
        LOG.warnf("lost the stream to stage 1 at %s: %s; %d sequences will be rebuilt", next.target(), status,
                live.size());
        link = Link.DOWN;
        linkOpen = false;
        stream = null;
        reconnectAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis);
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        inFlight.clear();
        ready.clear();
        processor.reset();
        for (Sequence s : live.values()) {
            s.inStep = false;
            s.feeding = 0;
            if (s.fed > 0) {
                stats.rebuilt.incrementAndGet();
            }
            s.fed = 0;
            if (s.state == Sequence.State.ENDING && s.endReason == ReleaseReason.RELEASE_REASON_FINISHED
                    && !s.published) {
                // its terminal event may be lost with the stage: generate the last token again
                s.state = Sequence.State.RUNNING;
                ending--;
            }
        }
    }

    // ---- admission

    @Override
    public boolean offer(InferenceRequest request, TopicPartition partition, long offset) {
        if (live.size() >= slice.maxBatch()) {
            return false;
        }
        int pages = cache.pagesFor(RequestParameters.positionLimit(request, slice.maxContext()));
        if (reservedPages + pages > cache.totalPages()) {
            return false;
        }
        Sequence s = new Sequence(nextSequenceId++, request, partition, offset, pages, System.currentTimeMillis());
        live.put(s.id, s);
        byRequest.put(request.getRequestId(), s);
        reservedPages += pages;
        processor.admit(admitMessage(s));
        ready.add(s);
        RequestTrace.mark(request.getRequestId(), "admitted");
        stats.admitted.incrementAndGet();
        stats.observeRunning(live.size());
        return true;
    }

    @Override
    public boolean isRunning(String requestId) {
        return byRequest.containsKey(requestId);
    }

    @Override
    public void handBack(Collection<TopicPartition> partitions) {
        for (Sequence s : new ArrayList<>(live.values())) {
            if (!partitions.contains(s.partition)) {
                continue;
            }
            ready.remove(s);
            if (s.state == Sequence.State.RUNNING) {
                processor.release(Release.newBuilder().setSequenceId(s.id)
                        .setReason(ReleaseReason.RELEASE_REASON_HANDED_BACK).build());
            } else {
                ending--;
            }
            forget(s);
            stats.handedBack.incrementAndGet();
        }
    }

    private Admit admitMessage(Sequence s) {
        return Admit.newBuilder().setSequenceId(s.id).setRequest(s.request).addAllGeneratedTokenIds(s.generated())
                .setAdmittedAtMs(s.admittedAtMs).build();
    }

    // ---- steps

    private boolean hasStepToRun() {
        return link == Link.OPEN && inFlight.size() < microBatches && !ready.isEmpty();
    }

    /**
     * Fills the pipeline: up to micro-batches steps in flight, the running sequences shared evenly among them. A step
     * takes at most its fair share of the running set, even when more are ready: sequences that arrive while the
     * other steps are in flight would otherwise all join one step and keep the steps lopsided for as long as they
     * run (a step's members return together), leaving stages idle while one step is much bigger than the others.
     */
    private void runSteps() {
        while (hasStepToRun()) {
            int free = microBatches - inFlight.size();
            int fairShare = Math.ceilDiv(Math.max(1, live.size() - ending), microBatches);
            int share = Math.min(Math.ceilDiv(ready.size(), free), fairShare);
            batch.clear();
            int budget = maxStepTokens;
            List<Sequence> members = new ArrayList<>(share);
            while (members.size() < share && !ready.isEmpty() && budget > 0
                    && batch.segments() < batch.maxSegments()) {
                Sequence s = ready.pollFirst();
                int count = Math.min(Math.min(prefillChunk, budget), s.length() - s.fed);
                batch.add(s.id, s.fed, s.tokens(), s.fed, count, s.fed + count == s.length());
                s.feeding = count;
                s.inStep = true;
                members.add(s);
                budget -= count;
            }
            long stepId = nextStepId++;
            inFlight.put(stepId, new Step(members));
            processor.step(stepId, batch);
        }
    }

    private void onResult(StepResult result) {
        Step step = inFlight.remove(result.getStepId());
        if (step == null) {
            return; // a step of a lost stream
        }
        for (Sequence s : step.members()) {
            s.inStep = false;
            s.fed += s.feeding;
            s.feeding = 0;
        }
        for (SampledToken token : result.getTokensList()) {
            Sequence s = running(token.getSequenceId());
            if (s == null) {
                continue;
            }
            if (token.getFinishReason() == FinishReason.FINISH_REASON_UNSPECIFIED) {
                s.append(token.getTokenId());
            } else {
                end(s, ReleaseReason.RELEASE_REASON_FINISHED, null);
            }
        }
        for (SequenceFailure failure : result.getFailuresList()) {
            Sequence s = running(failure.getSequenceId());
            if (s == null) {
                continue;
            }
            if (failure.getError().getCode() == ErrorCode.ERROR_CODE_CANCELLED) {
                end(s, ReleaseReason.RELEASE_REASON_CANCELLED, null);
            } else {
                LOG.warnf("request %s failed on stage %d: %s", s.request.getRequestId(), failure.getStageIndex(),
                        failure.getError().getMessage());
                end(s, ReleaseReason.RELEASE_REASON_FAILED, failure.getError());
            }
        }
        for (Sequence s : step.members()) {
            if (s.state != Sequence.State.RUNNING || live.get(s.id) != s) {
                continue;
            }
            if (s.cancelRequested || s.published) {
                end(s, ReleaseReason.RELEASE_REASON_CANCELLED, null);
            } else if (s.awaitsToken()) {
                end(s, ReleaseReason.RELEASE_REASON_FAILED, ErrorInfo.newBuilder()
                        .setCode(ErrorCode.ERROR_CODE_INTERNAL).setMessage("the last stage returned no token").build());
            } else {
                ready.add(s);
            }
        }
    }

    private Sequence running(long sequenceId) {
        Sequence s = live.get(sequenceId);
        return s != null && s.state == Sequence.State.RUNNING ? s : null;
    }

    /** Releases the sequence on every stage; it completes when its terminal event is acknowledged. */
    private void end(Sequence s, ReleaseReason reason, ErrorInfo error) {
        s.state = Sequence.State.ENDING;
        s.endReason = reason;
        s.endError = error;
        ending++;
        processor.release(releaseMessage(s));
        if (s.published) {
            complete(s);
        }
    }

    private Release releaseMessage(Sequence s) {
        Release.Builder release = Release.newBuilder().setSequenceId(s.id).setReason(s.endReason);
        if (s.endError != null) {
            release.setError(s.endError);
        }
        return release.build();
    }

    private void onPublished(long sequenceId) {
        Sequence s = live.get(sequenceId);
        if (s == null) {
            return;
        }
        s.published = true;
        if (s.state == Sequence.State.ENDING) {
            complete(s);
        } else if (!s.inStep) {
            // the last stage ended it on its own (a cancel it read first)
            ready.remove(s);
            end(s, ReleaseReason.RELEASE_REASON_CANCELLED, null);
        }
    }

    private void cancelNow(String requestId) {
        Sequence s = byRequest.get(requestId);
        if (s == null || s.state != Sequence.State.RUNNING) {
            return;
        }
        if (s.inStep) {
            s.cancelRequested = true;
        } else {
            ready.remove(s);
            end(s, ReleaseReason.RELEASE_REASON_CANCELLED, null);
        }
    }

    private void complete(Sequence s) {
        ending--;
        forget(s);
        intake.complete(s.partition, s.offset);
        stats.completed.incrementAndGet();
    }

    private void forget(Sequence s) {
        live.remove(s.id);
        byRequest.remove(s.request.getRequestId(), s);
        reservedPages -= s.reservedPages;
        stats.observeRunning(live.size());
    }

    /**
     * Stops taking requests, lets the running ones finish within the shutdown grace, hands the rest back
     * uncommitted, commits what finished and leaves the consumer group.
     */
    @Override
    public void close() {
        if (thread.getState() == Thread.State.NEW) {
            intake.close(); // stopped before it started (during the stage's warm-up): nothing was read
            return;
        }
        post(() -> {
            if (!stopping) {
                stopping = true;
                stopDeadlineNanos = System.nanoTime() + shutdownGrace.toNanos();
            }
        });
        try {
            thread.join(shutdownGrace.toMillis() + 30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
