package dev.baton.worker.output;

import dev.baton.engine.model.Logits;
import dev.baton.engine.model.StepBatch;
import dev.baton.engine.sampling.SampledToken;
import dev.baton.engine.sampling.Sampler;
import dev.baton.engine.tokenizer.Tokenizer;
import dev.baton.proto.Admit;
import dev.baton.proto.ErrorCode;
import dev.baton.proto.ErrorInfo;
import dev.baton.proto.FinishReason;
import dev.baton.proto.StepResult;
import dev.baton.proto.TokenEvent;
import dev.baton.worker.stage.RequestParameters;
import dev.baton.worker.stats.StageStats;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * What only the last stage does: sample a token for every segment that asks for one, decide whether the sequence
 * ends, and publish the {@link TokenEvent}s. Each sequence gets exactly one terminal event per admission — finished,
 * cancelled or failed — and {@code published} hears its sequence id once the broker has acknowledged it, which is
 * when stage 0 may count the request as done. Not thread-safe: runs on the stage's step thread.
 */
public final class Tail {
    private final Tokenizer tokenizer;
    private final Sampler sampler;
    private final int maxContext;
    private final ReplyPublisher publisher;
    private final StageStats stats;
    private final Map<Long, SequenceOutput> sequences = new HashMap<>();

    public Tail(Tokenizer tokenizer, int vocabSize, int maxContext, ReplyPublisher publisher, StageStats stats) {
        this.tokenizer = tokenizer;
        this.sampler = new Sampler(vocabSize);
        this.maxContext = maxContext;
        this.publisher = publisher;
        this.stats = stats;
    }

    /**
     * Starts a sequence (a rebuilt one continues after {@code generated_token_ids}).
     *
     * @throws IllegalArgumentException when the request's parameters are invalid (stage 0 refuses those first)
     */
    public void admit(Admit admit) {
        int[] generated = admit.getGeneratedTokenIdsList().stream().mapToInt(Integer::intValue).toArray();
        sequences.put(admit.getSequenceId(), new SequenceOutput(admit.getSequenceId(), admit.getRequest(),
                RequestParameters.sampling(admit.getRequest()), generated, tokenizer, maxContext,
                admit.getAdmittedAtMs()));
    }

    public boolean knows(long sequenceId) {
        return sequences.containsKey(sequenceId);
    }

    /**
     * Samples after the last row of every segment that wants logits, publishes each token's event, and adds the
     * tokens to {@code result}.
     */
    public void sample(StepBatch batch, Logits logits, StepResult.Builder result, LongConsumer published) {
        long now = System.currentTimeMillis();
        for (int s = 0; s < batch.segments(); s++) {
            if (!logits.has(s)) {
                continue;
            }
            long id = batch.sequenceId(s);
            SequenceOutput sequence = sequences.get(id);
            if (sequence == null || sequence.terminated()) {
                continue;
            }
            int index = sequence.generated();
            SampledToken token = sampler.sample(logits.values(), logits.offset(s), sequence.params(), index,
                    sequence.history());
            TokenEvent event = sequence.accept(token, now);
            stats.tokensSampled.incrementAndGet();
            result.addTokens(dev.baton.proto.SampledToken.newBuilder().setSequenceId(id).setIndex(index)
                    .setTokenId(token.id()).setFinishReason(event.getFinishReason()));
            publish(sequence, event, published);
            if (sequence.terminated()) {
                stats.finished.incrementAndGet();
            }
        }
    }

    /** Ends the sequence with FINISH_REASON_CANCELLED unless it already ended. */
    public void cancel(long sequenceId, LongConsumer published) {
        SequenceOutput sequence = sequences.get(sequenceId);
        if (sequence != null && !sequence.terminated()) {
            stats.cancelled.incrementAndGet();
            publish(sequence, sequence.end(FinishReason.FINISH_REASON_CANCELLED, null, System.currentTimeMillis()),
                    published);
        }
    }

    /** Ends the sequence with an error event unless it already ended. */
    public void fail(long sequenceId, ErrorInfo error, LongConsumer published) {
        SequenceOutput sequence = sequences.get(sequenceId);
        if (sequence != null && !sequence.terminated()) {
            stats.failed.incrementAndGet();
            ErrorInfo reported = error != null && error.getCode() != ErrorCode.ERROR_CODE_UNSPECIFIED ? error
                    : ErrorInfo.newBuilder().setCode(ErrorCode.ERROR_CODE_INTERNAL)
                            .setMessage("the pipeline failed to compute the request").build();
            publish(sequence, sequence.end(FinishReason.FINISH_REASON_ERROR, reported, System.currentTimeMillis()),
                    published);
        }
    }

    /** Forgets a sequence (after its terminal event, or when its request was handed back). */
    public void release(long sequenceId) {
        sequences.remove(sequenceId);
    }

    /** Forgets every sequence (the stream that admitted them ended). */
    public void clear() {
        sequences.clear();
    }

    private void publish(SequenceOutput sequence, TokenEvent event, LongConsumer published) {
        long id = sequence.sequenceId();
        boolean terminal = event.getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED;
        publisher.publish(sequence.request(), event, terminal ? () -> published.accept(id) : null);
    }
}
