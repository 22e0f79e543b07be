package dev.baton.worker.runtime;

import dev.baton.proto.HandshakeResponse;
import dev.baton.worker.config.NextStageAddress;
import dev.baton.worker.config.WorkerConfig;
import dev.baton.worker.control.CancelledRequests;
import dev.baton.worker.control.ControlListener;
import dev.baton.worker.output.DeadLetters;
import dev.baton.worker.output.ReplyPublisher;
import dev.baton.worker.output.Tail;
import dev.baton.worker.pipeline.NextStage;
import dev.baton.worker.pipeline.StageEndpoint;
import dev.baton.worker.pipeline.StageProcessor;
import dev.baton.worker.scheduling.Scheduler;
import dev.baton.worker.stage.ModelSlice;
import dev.baton.worker.stage.StageWarmup;
import dev.baton.worker.stats.StageStats;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.jboss.logging.Logger;

/**
 * One pipeline stage, assembled from its configuration: the model slice, the processor that runs it, the gRPC
 * endpoint for the previous stage, the link to the next one, and by role stage 0's scheduler (Kafka requests in)
 * and the last stage's tail (tokens out). Every stage listens to baton.control. Plain Java: Quarkus starts one per
 * process ({@code WorkerLifecycle}); tests start several in one JVM, each behind its own gRPC server.
 */
public final class StageRuntime implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StageRuntime.class);
    private static final int CANCELS_REMEMBERED = 100_000;

    private final ModelSlice slice;
    private final StageStats stats = new StageStats();
    private final CancelledRequests cancelled;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ReplyPublisher replies;
    private final DeadLetters deadLetters;
    private final StageProcessor processor;
    private final ExecutorService steps;
    private final NextStage next;
    private final StageEndpoint endpoint;
    private final Scheduler scheduler;
    private final ControlListener control;
    private final ScheduledExecutorService probe;
    private final StageWarmup warmup;
    private volatile Thread warmupThread;
    private volatile String nextStageProblem = "not checked yet";
    private volatile boolean warming;
    private volatile StageWarmup.Report warmupReport;
    private volatile boolean closing;

    private StageRuntime(WorkerConfig config, String bootstrapServers, ModelSlice slice) {
        this.slice = slice;
        String clientId = "baton-" + slice.modelName() + "-stage" + slice.stageIndex()
                + config.instanceId().map(i -> "-" + i).orElse("");
        KafkaConnection kafka = new KafkaConnection(bootstrapServers, clientId);
        this.cancelled = new CancelledRequests(CANCELS_REMEMBERED,
                config.cancelLookback().plus(Duration.ofHours(1)).toMillis());
        boolean publishes = slice.isFirst() || slice.isLast();
        this.producer = publishes ? kafka.producer(config.replyLinger()) : null;
        this.replies = publishes ? new ReplyPublisher(producer) : null;
        this.deadLetters = slice.isFirst() ? new DeadLetters(producer) : null;
        Tail tail = slice.isLast() ? new Tail(slice.tokenizer(), slice.model().vocabSize(), slice.maxContext(),
                replies, stats) : null;
        this.processor = new StageProcessor(slice, tail, cancelled, stats);
        this.next = slice.isLast() ? null : new NextStage(NextStageAddress.resolve(config.next().orElseThrow(),
                config.podName()));
        if (slice.isFirst()) {
            this.steps = null;
            this.scheduler = new Scheduler(slice, processor, next,
                    kafka.requestConsumer(config.consumerGroup(), config.instanceId().orElse(null), slice.maxBatch()),
                    replies, deadLetters, cancelled, stats, config.microBatches().orElse(slice.stageCount()),
                    config.prefillChunk(), config.maxStepTokens(), config.shutdownGrace());
        } else {
            this.steps = Executors.newSingleThreadExecutor(r -> new Thread(r, "baton-stage" + slice.stageIndex()
                    + "-steps"));
            this.scheduler = null;
        }
        this.endpoint = new StageEndpoint(slice, slice.isFirst() ? null : processor, steps, next, this::ready);
        this.control = new ControlListener(kafka.controlConsumer(), cancelled, config.cancelLookback(),
                this::onCancel);
        this.probe = next != null && !slice.isFirst() ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "baton-next-stage-probe");
            t.setDaemon(true);
            return t;
        }) : null;
        this.warmup = config.warmup().enabled() && config.warmup().steps() > 0
                ? new StageWarmup(slice, config.warmup(), config.prefillChunk()) : null;
    }

    /**
     * Loads the stage and starts it: after the warm-up ({@code baton.worker.warmup.*}, in the background, while
     * readiness says "warming up"), stage 0 begins consuming once the pipeline behind it is connected; later stages
     * wait for the previous stage to connect.
     *
     * @throws IllegalArgumentException for a configuration that cannot work
     */
    public static StageRuntime start(WorkerConfig config, String bootstrapServers) {
        ModelSlice slice = ModelSlice.load(config);
        StageRuntime runtime;
        try {
            runtime = new StageRuntime(config, bootstrapServers, slice);
        } catch (RuntimeException e) {
            slice.close();
            throw e;
        }
        if (runtime.warmup == null) {
            runtime.serve();
        } else if (runtime.steps != null) {
            // later stages: the step thread warms up first, so a stream's steps queue behind it
            runtime.warming = true;
            runtime.steps.execute(runtime::warmUp);
            runtime.serve();
        } else {
            runtime.warming = true;
            runtime.warmupThread = Thread.ofPlatform().name("baton-stage0-warmup").start(() -> {
                runtime.warmUp();
                runtime.serveUnlessClosing();
            });
        }
        return runtime;
    }

    /** Runs the warm-up; before anything else touches the slice (stage 0: before its scheduler starts). */
    private void warmUp() {
        try {
            StageWarmup.Report report = warmup.run(() -> closing);
            warmupReport = report;
            LOG.infof("stage %d warm-up: %s", slice.stageIndex(), report);
        } catch (RuntimeException e) {
            // a broken model fails real steps the same way, each with an error to its client; the stage still serves
            LOG.errorf(e, "stage %d warm-up failed; serving without it", slice.stageIndex());
        } finally {
            warming = false;
        }
    }

    private synchronized void serveUnlessClosing() {
        if (!closing) {
            serve();
        }
    }

    private void serve() {
        control.start();
        if (scheduler != null) {
            scheduler.start();
        }
        if (probe != null) {
            probe.scheduleWithFixedDelay(this::checkNextStage, 0, 1, TimeUnit.SECONDS);
        }
        LOG.infof("stage %d of %d serving blocks %s of %s (%s)", slice.stageIndex(), slice.stageCount(),
                slice.range(), slice.modelName(), slice.describe(false).getModel().getDigest());
    }

    private void onCancel(String requestId) {
        if (scheduler != null) {
            scheduler.cancel(requestId);
        } else {
            steps.execute(() -> processor.evict(requestId));
        }
    }

    private void checkNextStage() {
        try {
            HandshakeResponse answer = next.handshake(slice.describe(true), Duration.ofSeconds(2));
            String problem = answer.getCompatible() ? null : answer.getReason();
            if (problem != null && !problem.equals(nextStageProblem)) {
                LOG.warnf("stage %d: next stage %s does not fit: %s", slice.stageIndex(), next.target(), problem);
            }
            nextStageProblem = problem;
        } catch (RuntimeException e) {
            nextStageProblem = "next stage " + next.target() + " unreachable: " + e.getMessage();
        }
    }

    /** The gRPC service this stage offers (Handshake, and the pipeline stream on stages after the first). */
    public StageEndpoint endpoint() {
        return endpoint;
    }

    public ModelSlice slice() {
        return slice;
    }

    public StageStats stats() {
        return stats;
    }

    /** What the warm-up did, once it has finished; empty while it runs, when it is off or when it failed. */
    public Optional<StageWarmup.Report> warmupReport() {
        return Optional.ofNullable(warmupReport);
    }

    /**
     * Ready to work: the slice is loaded (it is, once this object exists), the control topic is read, and the next
     * stage is reachable and fits (stage 0: the whole pipeline stream is open and the consumer subscribed).
     */
    public boolean ready() {
        return readinessProblem() == null;
    }

    /** Why the stage is not ready, or null. */
    public String readinessProblem() {
        if (closing) {
            return "shutting down";
        }
        if (warming) {
            return "warming up";
        }
        if (!control.assigned()) {
            return "not reading baton.control yet";
        }
        if (scheduler != null && scheduler.drainState() != Scheduler.Drain.SERVING) {
            return "drain " + scheduler.drainState().name().toLowerCase(Locale.ROOT)
                    + ": not taking requests";
        }
        if (scheduler != null) {
            return scheduler.ready() ? null : slice.isLast() ? "request consumer not running"
                    : "the pipeline stream to " + next.target() + " is not open";
        }
        return next == null ? null : nextStageProblem;
    }

    /** Why the stage is broken and should be restarted, or null. */
    public String livenessProblem() {
        if (scheduler != null && !scheduler.live()) {
            return "the stage 0 scheduler stopped on an error";
        }
        if (replies != null && replies.failure() != null) {
            return replies.failure();
        }
        if (deadLetters != null && deadLetters.failure() != null) {
            return deadLetters.failure();
        }
        return null;
    }

    /**
     * Stage 0 stops taking requests, lets the running ones finish and then leaves the consumer group, so the pipeline
     * can be removed without handing work back (the scaler does this before scaling down).
     *
     * @throws IllegalStateException on a later stage: only stage 0 takes requests
     */
    public void drain() {
        requireStageZero().drain();
    }

    /** Undoes {@link #drain()}: stage 0 rejoins the group and takes requests again. */
    public void resume() {
        requireStageZero().resume();
    }

    /** Stage 0's drain state: serving, draining or drained; later stages always serve. */
    public Scheduler.Drain drainState() {
        return scheduler == null ? Scheduler.Drain.SERVING : scheduler.drainState();
    }

    private Scheduler requireStageZero() {
        if (scheduler == null) {
            throw new IllegalStateException("stage " + slice.stageIndex()
                    + " takes no requests; drain stage 0 of this pipeline");
        }
        return scheduler;
    }

    /** What the stats endpoint shows: which stage this is, and its counters. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", slice.modelName());
        m.put("stage", slice.stageIndex());
        m.put("stages", slice.stageCount());
        m.put("layers", Map.of("from", slice.range().from(), "to", slice.range().to()));
        m.put("ready", ready());
        m.put("drain", drainState().name().toLowerCase(Locale.ROOT));
        warmupReport().ifPresent(w -> m.put("warmup", Map.of("steps", w.steps(),
                "stepMillis", w.stepTime().toMillis(), "pagedInBytes", w.pagedInBytes(),
                "pageInMillis", w.pageInTime().toMillis())));
        m.putAll(stats.snapshot());
        return m;
    }

    /**
     * Graceful stop: stage 0 stops taking requests, lets running ones finish within the shutdown grace and hands the
     * rest back uncommitted; then the streams, Kafka clients and the model are closed.
     */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
        }
        Thread warmer = warmupThread;
        if (warmer != null) {
            try {
                warmer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (scheduler != null) {
            scheduler.close();
        }
        if (probe != null) {
            probe.shutdownNow();
        }
        endpoint.disconnect();
        if (steps != null) {
            steps.shutdown();
            try {
                steps.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        control.close();
        if (next != null) {
            next.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        slice.close();
        LOG.infof("stage %d stopped", slice.stageIndex());
    }
}
