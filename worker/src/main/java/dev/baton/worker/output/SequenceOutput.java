package dev.baton.worker.output;

import com.google.protobuf.ByteString;
import dev.baton.engine.sampling.SampledToken;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.engine.sampling.TokenHistory;
import dev.baton.engine.tokenizer.StreamingDecoder;
import dev.baton.engine.tokenizer.Tokenizer;
import dev.baton.proto.ErrorInfo;
import dev.baton.proto.FinishReason;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.RecordSchema;
import dev.baton.proto.TokenEvent;
import dev.baton.proto.TopLogprob;
import dev.baton.proto.Usage;
import java.util.Arrays;

/**
 * The last stage's view of one sequence: the tokens so far (for penalties), the text the client has been sent, and
 * the stop conditions. Turns each sampled token into exactly one {@link TokenEvent} with the token's index, so the
 * events of a regenerated request (after a redelivery or a rebuild) carry the same indices and text as the first
 * time: everything here is a function of the request and the token ids.
 *
 * <p>Stop conditions, in order: an end-of-generation token of the vocabulary or one of the request's stop token ids
 * (finish STOP; the token is not part of the output: its event has no token id, and the held-back text), unless
 * {@code ignore_eos}; a stop string in the text (finish STOP on the token that completed it, with the text before
 * the stop string); {@code max_tokens} or the context (finish LENGTH on the last token).
 */
final class SequenceOutput {
    private final long sequenceId;
    private final InferenceRequest request;
    private final SamplingParams params;
    private final Tokenizer tokenizer;
    private final TokenHistory history;
    private final StreamingDecoder decoder;
    private final StopStrings stops;
    private final int[] stopTokenIds;
    private final int maxContext;
    private final long admittedAtMs;
    private int generated;
    private long firstTokenAtMs;
    private boolean terminated;

    SequenceOutput(long sequenceId, InferenceRequest request, SamplingParams params, int[] generatedSoFar,
                   Tokenizer tokenizer, int maxContext, long admittedAtMs) {
        this.sequenceId = sequenceId;
        this.request = request;
        this.params = params;
        this.tokenizer = tokenizer;
        int[] prompt = request.getPromptTokenIdsList().stream().mapToInt(Integer::intValue).toArray();
        this.history = TokenHistory.of(prompt, generatedSoFar);
        this.decoder = tokenizer.streamingDecoder(prompt[prompt.length - 1]);
        this.stops = new StopStrings(request.getStopStringsList());
        this.stopTokenIds = request.getStopTokenIdsList().stream().mapToInt(Integer::intValue).sorted().toArray();
        this.maxContext = maxContext;
        this.admittedAtMs = admittedAtMs;
        // a rebuilt sequence: replay the text state so the next event continues exactly where the client is
        for (int token : generatedSoFar) {
            stops.push(decoder.feed(token));
        }
        this.generated = generatedSoFar.length;
    }

    long sequenceId() {
        return sequenceId;
    }

    InferenceRequest request() {
        return request;
    }

    SamplingParams params() {
        return params;
    }

    TokenHistory history() {
        return history;
    }

    /** Index of the next token. */
    int generated() {
        return generated;
    }

    boolean terminated() {
        return terminated;
    }

    /** The event for a sampled token; terminal (finish reason set) when the token ends the sequence. */
    TokenEvent accept(SampledToken token, long nowMs) {
        if (terminated) {
            throw new IllegalStateException("sequence " + sequenceId + " already ended");
        }
        if (firstTokenAtMs == 0) {
            firstTokenAtMs = nowMs;
        }
        int index = generated;
        int id = token.id();
        if (!request.getIgnoreEos() && (tokenizer.vocabulary().isEndOfGeneration(id)
                || Arrays.binarySearch(stopTokenIds, id) >= 0)) {
            return terminal(index, FinishReason.FINISH_REASON_STOP, null, nowMs).build();
        }
        history.append(id);
        generated++;
        TokenEvent.Builder event = event(index, nowMs).setTokenId(id)
                .setTokenBytes(ByteString.copyFrom(tokenizer.tokenBytes(id)));
        if (params.topLogprobs() >= 0) {
            event.setLogprob(token.logprob());
            int[] topIds = token.topIds();
            float[] topLogprobs = token.topLogprobs();
            for (int i = 0; topIds != null && i < topIds.length; i++) {
                event.addTopLogprobs(TopLogprob.newBuilder().setTokenId(topIds[i]).setLogprob(topLogprobs[i])
                        .setTokenBytes(ByteString.copyFrom(tokenizer.tokenBytes(topIds[i]))));
            }
        }
        StopStrings.Outcome text = stops.push(decoder.feed(id));
        if (text.matched() != null) {
            terminated = true;
            return event.setText(text.released()).setMatchedStop(text.matched())
                    .setFinishReason(FinishReason.FINISH_REASON_STOP).setUsage(usage(nowMs)).build();
        }
        boolean tokenLimit = request.getMaxTokens() > 0 && generated >= request.getMaxTokens();
        // the next step would store this token at position prompt + generated - 1, which must be inside the context
        boolean contextLimit = history.size() > maxContext;
        if (tokenLimit || contextLimit) {
            terminated = true;
            return event.setText(text.released() + stops.flush() + decoder.flush())
                    .setFinishReason(FinishReason.FINISH_REASON_LENGTH).setUsage(usage(nowMs)).build();
        }
        return event.setText(text.released()).build();
    }

    /** The terminal event of a sequence that ends without a token: cancelled, failed, or an end-of-generation token. */
    TokenEvent.Builder terminal(int index, FinishReason reason, ErrorInfo error, long nowMs) {
        terminated = true;
        TokenEvent.Builder event = event(index, nowMs).setText(stops.flush() + decoder.flush())
                .setFinishReason(reason).setUsage(usage(nowMs));
        if (error != null) {
            event.setError(error);
        }
        return event;
    }

    /** Ends the sequence without a token (cancel, failure) at the next index. */
    TokenEvent end(FinishReason reason, ErrorInfo error, long nowMs) {
        return terminal(generated, reason, error, nowMs).build();
    }

    private TokenEvent.Builder event(int index, long nowMs) {
        return TokenEvent.newBuilder().setSchemaVersion(RecordSchema.CURRENT_VERSION)
                .setRequestId(request.getRequestId()).setIndex(index).setCreatedAtMs(nowMs);
    }

    private Usage usage(long nowMs) {
        long created = request.getCreatedAtMs();
        long firstToken = firstTokenAtMs == 0 ? nowMs : firstTokenAtMs;
        return Usage.newBuilder()
                .setPromptTokens(request.getPromptTokenIdsCount())
                .setCompletionTokens(generated)
                .setQueueMs(created > 0 && admittedAtMs >= created ? admittedAtMs - created : 0)
                .setPrefillMs(Math.max(0, firstToken - admittedAtMs))
                .setDecodeMs(Math.max(0, nowMs - firstToken))
                .build();
    }
}
