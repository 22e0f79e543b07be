package dev.baton.worker.pipeline;

import com.google.protobuf.UnsafeByteOperations;
import dev.baton.engine.model.ActivationEncoding;
import dev.baton.engine.model.Activations;
import dev.baton.engine.model.ContextLengthExceededException;
import dev.baton.engine.model.KvCacheFullException;
import dev.baton.engine.model.LlamaStage;
import dev.baton.engine.model.StepBatch;
import dev.baton.kafka.RequestTrace;
import dev.baton.proto.ActivationData;
import dev.baton.proto.Admit;
import dev.baton.proto.ErrorCode;
import dev.baton.proto.ErrorInfo;
import dev.baton.proto.Release;
import dev.baton.proto.SequenceFailure;
import dev.baton.proto.StageRequest;
import dev.baton.proto.StageStep;
import dev.baton.proto.StepResult;
import dev.baton.proto.StepSegment;
import dev.baton.worker.control.CancelledRequests;
import dev.baton.worker.output.Tail;
import dev.baton.worker.stage.ModelSlice;
import dev.baton.worker.stats.StageStats;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One stage's part of every pipeline message, in the order the messages arrive: Admit registers a sequence (the last
 * stage also sets up its sampling and output), a step runs this stage's layers over its segments and goes on to the
 * next stage (or, on the last stage, is sampled and answered), Release frees the sequence's KV cache here and, in
 * order, on every later stage. Stage 0 feeds it from its scheduler, later stages from their upstream stream.
 *
 * <p>A sequence cancelled on baton.control is evicted at once ({@link #evict}): its KV memory is freed and steps still
 * on their way that include it drop its rows and report it as {@code CANCELLED} in their result, so the others in the
 * step go on unaffected. A step that fails as a whole (an engine error) fails each of its sequences the same way,
 * and the stage keeps running.
 *
 * <p>Not thread-safe: one thread (stage 0's scheduler, or a later stage's step thread) calls everything except
 * {@link #nextStageResult}, which the next stage's stream calls from its own thread.
 */
public final class StageProcessor {
    private static final Logger LOG = Logger.getLogger(StageProcessor.class);

    private final ModelSlice slice;
    private final LlamaStage stage;
    private final ActivationEncoding encoding;
    private final Tail tail;
    private final CancelledRequests cancelled;
    private final StageStats stats;
    private final StepBatch inbound;
    private final Activations hidden;

    private final Map<Long, String> requestOf = new HashMap<>();
    private final Map<String, Long> sequenceOf = new HashMap<>();
    private final Set<Long> evicted = new HashSet<>();
    private final Map<Long, Forwarded> forwarded = new ConcurrentHashMap<>();
    private volatile Upstream upstream;
    private volatile Consumer<StageRequest> downstream;

    /** A step sent on to the next stage: when it arrived here, when it left, and the sequences this stage dropped. */
    private record Forwarded(long receivedNanos, long sentNanos, List<SequenceFailure> failures) {
    }

    /**
     * @param tail      the last stage's sampling and output; null on other stages
     * @param cancelled cancels seen on baton.control (a sequence admitted after its cancel is evicted at once)
     */
    public StageProcessor(ModelSlice slice, Tail tail, CancelledRequests cancelled, StageStats stats) {
        if ((tail != null) != slice.isLast()) {
            throw new IllegalArgumentException("the last stage, and only it, needs a tail");
        }
        this.slice = slice;
        this.stage = slice.stage();
        this.encoding = slice.encoding();
        this.tail = tail;
        this.cancelled = cancelled;
        this.stats = stats;
        this.inbound = stage.capacity().newBatch();
        this.hidden = stage.newActivations();
        stats.kvBytesCapacity.set(stage.cache().capacityBytes());
    }

    /**
     * Where results go and where computed steps go from now on (a new stream session). The downstream is null on the
     * last stage.
     */
    public void bind(Upstream upstream, Consumer<StageRequest> downstream) {
        if ((downstream == null) != slice.isLast()) {
            throw new IllegalArgumentException("every stage but the last needs a next stage to send to");
        }
        this.upstream = upstream;
        this.downstream = downstream;
    }

    /** Handles one message from the previous stage. */
    public void handle(StageRequest request, long receivedNanos) {
        switch (request.getKindCase()) {
            case ADMIT -> admit(request.getAdmit());
            case STEP -> step(request.getStep(), receivedNanos);
            case RELEASE -> release(request.getRelease());
            default -> LOG.warnf("stage %d ignores an unexpected %s message", slice.stageIndex(),
                    request.getKindCase());
        }
    }

    /** Registers a sequence here and on every later stage. */
    public void admit(Admit admit) {
        long id = admit.getSequenceId();
        String requestId = admit.getRequest().getRequestId();
        requestOf.put(id, requestId);
        sequenceOf.put(requestId, id);
        if (tail != null) {
            try {
                tail.admit(admit);
            } catch (RuntimeException e) {
                // stage 0 refuses invalid requests before admitting them, with the same rules; this is a guard
                LOG.errorf("stage %d cannot set up sampling for request %s: %s", slice.stageIndex(), requestId,
                        e.getMessage());
                evicted.add(id);
            }
        }
        Consumer<StageRequest> next = downstream;
        if (next != null) {
            next.accept(StageRequest.newBuilder().setAdmit(admit).build());
        }
        if (cancelled != null && cancelled.contains(requestId)) {
            evictSequence(id);
        }
    }

    /** Stage 0: runs a step whose batch carries token ids. */
    public void step(long stepId, StepBatch batch) {
        compute(stepId, batch, System.nanoTime(), new ArrayList<>());
    }

    /** Later stages: runs a step that arrived from the previous stage, without the rows of evicted sequences. */
    void step(StageStep step, long receivedNanos) {
        List<SequenceFailure> failures = new ArrayList<>();
        ActivationData data = step.getActivations();
        ActivationEncoding wire = data.getEncoding() == dev.baton.proto.ActivationEncoding.ACTIVATION_ENCODING_BF16
                ? ActivationEncoding.BF16 : ActivationEncoding.F32;
        int dim = hidden.dim();
        int rows = 0;
        for (StepSegment segment : step.getSegmentsList()) {
            rows += segment.getTokenCount();
        }
        try {
            if (data.getDim() != dim || data.getRows() != rows) {
                throw new IllegalArgumentException("the step carries " + data.getRows() + " × " + data.getDim()
                        + " activations for " + rows + " rows of width " + dim);
            }
            hidden.decode(wire, MemorySegment.ofBuffer(data.getData().asReadOnlyByteBuffer()), 0, rows);
            inbound.clear();
            int row = 0;
            int kept = 0;
            float[] values = hidden.values();
            for (StepSegment segment : step.getSegmentsList()) {
                long id = segment.getSequenceId();
                int count = segment.getTokenCount();
                if (evicted.contains(id)) {
                    failures.add(failure(id, ErrorCode.ERROR_CODE_CANCELLED, "cancelled"));
                } else if (!requestOf.containsKey(id)) {
                    failures.add(failure(id, ErrorCode.ERROR_CODE_INTERNAL, "stage " + slice.stageIndex()
                            + " has no sequence " + id));
                } else {
                    if (kept != row) {
                        System.arraycopy(values, row * dim, values, kept * dim, count * dim);
                    }
                    inbound.add(id, segment.getStartPosition(), count, segment.getSample());
                    kept += count;
                }
                row += count;
            }
            hidden.rows(kept);
        } catch (RuntimeException e) {
            LOG.errorf("stage %d refuses step %d: %s", slice.stageIndex(), step.getStepId(), e.getMessage());
            failures.clear();
            for (StepSegment segment : step.getSegmentsList()) {
                failures.add(failure(segment.getSequenceId(), ErrorCode.ERROR_CODE_INTERNAL, e.getMessage()));
            }
            answer(step.getStepId(), failures, receivedNanos);
            return;
        }
        if (inbound.segments() == 0) {
            answer(step.getStepId(), failures, receivedNanos);
            return;
        }
        compute(step.getStepId(), inbound, receivedNanos, failures);
    }

    private void compute(long stepId, StepBatch batch, long receivedNanos, List<SequenceFailure> failures) {
        long start = System.nanoTime();
        try {
            stage.forward(batch, hidden);
        } catch (RuntimeException e) {
            ErrorCode code = e instanceof ContextLengthExceededException ? ErrorCode.ERROR_CODE_CONTEXT_LENGTH_EXCEEDED
                    : ErrorCode.ERROR_CODE_INTERNAL;
            String message = e instanceof KvCacheFullException || e instanceof ContextLengthExceededException
                    ? e.getMessage() : "stage " + slice.stageIndex() + " failed: " + e;
            LOG.errorf(e, "stage %d failed step %d %s", slice.stageIndex(), stepId, batch);
            for (int s = 0; s < batch.segments(); s++) {
                failures.add(failure(batch.sequenceId(s), code, message));
            }
            answer(stepId, failures, receivedNanos);
            return;
        }
        long computed = System.nanoTime();
        if (RequestTrace.enabled()) {
            traceFirstChunks(batch, receivedNanos, start, computed);
        }
        stats.observeStep(batch.segments(), batch.rows(), computed - start);
        observeCache();
        if (tail != null) {
            StepResult.Builder result = StepResult.newBuilder().setStepId(stepId).addAllFailures(failures);
            Upstream up = upstream;
            try {
                tail.sample(batch, stage.logits(), result, up::published);
            } catch (RuntimeException e) {
                LOG.errorf(e, "stage %d failed to sample step %d %s", slice.stageIndex(), stepId, batch);
                result.clearTokens();
                for (int s = 0; s < batch.segments(); s++) {
                    result.addFailures(failure(batch.sequenceId(s), ErrorCode.ERROR_CODE_INTERNAL,
                            "sampling failed: " + e));
                }
            }
            up.result(result.setCalleeNanos(System.nanoTime() - receivedNanos).build());
            return;
        }
        StageStep.Builder next = StageStep.newBuilder().setStepId(stepId);
        for (int s = 0; s < batch.segments(); s++) {
            next.addSegments(StepSegment.newBuilder().setSequenceId(batch.sequenceId(s))
                    .setStartPosition(batch.startPosition(s)).setTokenCount(batch.tokenCount(s))
                    .setSample(batch.wantsLogits(s)));
        }
        next.setActivations(ActivationData.newBuilder()
                .setEncoding(encoding == ActivationEncoding.BF16
                        ? dev.baton.proto.ActivationEncoding.ACTIVATION_ENCODING_BF16
                        : dev.baton.proto.ActivationEncoding.ACTIVATION_ENCODING_F32)
                .setRows(hidden.rows()).setDim(hidden.dim())
                .setData(UnsafeByteOperations.unsafeWrap(hidden.toBytes(encoding))));
        forwarded.put(stepId, new Forwarded(receivedNanos, System.nanoTime(), failures));
        downstream.accept(StageRequest.newBuilder().setStep(next).build());
    }

    /** The step's first prompt chunks: when they reached this stage, and its compute. */
    private void traceFirstChunks(StepBatch batch, long receivedNanos, long start, long computed) {
        String stage = "stage" + slice.stageIndex();
        for (int s = 0; s < batch.segments(); s++) {
            String requestId = requestOf.get(batch.sequenceId(s));
            if (batch.startPosition(s) == 0 && requestId != null) {
                RequestTrace.markAtNanos(requestId, stage + "-received", receivedNanos);
                RequestTrace.markAtNanos(requestId, stage + "-start", start);
                RequestTrace.markAtNanos(requestId, stage + "-computed", computed);
            }
        }
    }

    /**
     * The next stage answered a step this stage forwarded: adds the sequences dropped here, records the hop's
     * latency, and passes the result on. Called from the next stage's stream thread.
     */
    public void nextStageResult(StepResult result) {
        Forwarded step = forwarded.remove(result.getStepId());
        if (step == null) {
            return; // a step of an earlier stream
        }
        long now = System.nanoTime();
        stats.observeHop(now - step.sentNanos(), result.getCalleeNanos());
        StepResult.Builder relayed = result.toBuilder().setCalleeNanos(now - step.receivedNanos());
        if (!step.failures().isEmpty()) {
            relayed.addAllFailures(step.failures());
        }
        upstream.result(relayed.build());
    }

    private void answer(long stepId, List<SequenceFailure> failures, long receivedNanos) {
        upstream.result(StepResult.newBuilder().setStepId(stepId).addAllFailures(failures)
                .setCalleeNanos(System.nanoTime() - receivedNanos).build());
    }

    /** Frees a sequence here and on every later stage; the last stage ends it as the reason says. */
    public void release(Release release) {
        long id = release.getSequenceId();
        stage.release(id);
        observeCache();
        if (tail != null) {
            Upstream up = upstream;
            switch (release.getReason()) {
                case RELEASE_REASON_CANCELLED -> tail.cancel(id, up::published);
                case RELEASE_REASON_FAILED -> tail.fail(id, release.getError(), up::published);
                default -> {
                    // finished (its terminal event is out) or handed back (another pipeline answers)
                }
            }
            tail.release(id);
        }
        String requestId = requestOf.remove(id);
        if (requestId != null) {
            sequenceOf.remove(requestId, id);
        }
        evicted.remove(id);
        Consumer<StageRequest> next = downstream;
        if (next != null) {
            next.accept(StageRequest.newBuilder().setRelease(release).build());
        }
    }

    /** A cancel from baton.control: frees the request's sequence here now; the last stage ends it CANCELLED. */
    public void evict(String requestId) {
        Long id = sequenceOf.get(requestId);
        if (id != null) {
            evictSequence(id);
        }
    }

    private void evictSequence(long id) {
        stage.release(id);
        observeCache();
        boolean first = evicted.add(id);
        if (tail != null && first) {
            Upstream up = upstream;
            tail.cancel(id, up::published);
        }
    }

    /** Forgets every sequence and frees all KV memory (the stream that admitted them ended). */
    public void reset() {
        for (long id : requestOf.keySet()) {
            stage.release(id);
        }
        requestOf.clear();
        sequenceOf.clear();
        evicted.clear();
        forwarded.clear();
        if (tail != null) {
            tail.clear();
        }
        observeCache();
    }

    /** Sequences registered here. */
    public int sequences() {
        return requestOf.size();
    }

    private void observeCache() {
        stats.kvBytesInUse.set(stage.cache().usedBytes());
        stats.kvSequences.set(stage.cache().sequenceCount());
    }

    private SequenceFailure failure(long sequenceId, ErrorCode code, String message) {
        return SequenceFailure.newBuilder().setSequenceId(sequenceId).setStageIndex(slice.stageIndex())
                .setError(ErrorInfo.newBuilder().setCode(code).setMessage(message == null ? "" : message)).build();
    }
}
