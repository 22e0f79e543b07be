package dev.baton.worker.stage;

import dev.baton.engine.sampling.LogitBias;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.RecordSchema;
import dev.baton.proto.Sampling;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * How an {@link InferenceRequest}'s wire values map to the engine's, where the record's "0 = off / default"
 * conventions differ from {@link SamplingParams}'. Stage 0 uses it to refuse invalid requests before they run; the
 * last stage to sample.
 */
public final class RequestParameters {
    /** Most alternatives per position a request may ask for, as the OpenAI API allows. */
    public static final int MAX_TOP_LOGPROBS = 20;
    /** Repetition-penalty window when the request leaves it at 0 ("the engine's default"). */
    public static final int DEFAULT_PENALTY_LAST_N = 64;

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    });

    private RequestParameters() {
    }

    /**
     * The request's sampling parameters.
     *
     * @throws IllegalArgumentException naming the offending value
     */
    public static SamplingParams sampling(InferenceRequest request) {
        Sampling s = request.getSampling();
        if (s.getTopLogprobs() < 0 || s.getTopLogprobs() > MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException("top_logprobs must be in [0, " + MAX_TOP_LOGPROBS + "], got "
                    + s.getTopLogprobs());
        }
        float topP = s.getTopP() == 0f ? 1f : s.getTopP();
        float repetition = s.getRepetitionPenalty() == 0f ? 1f : s.getRepetitionPenalty();
        int lastN = s.getPenaltyLastN() == 0 ? DEFAULT_PENALTY_LAST_N : s.getPenaltyLastN();
        int topLogprobs = s.getLogprobs() || s.getTopLogprobs() > 0 ? s.getTopLogprobs() : -1;
        return new SamplingParams(s.getTemperature(), s.getTopK(), topP, s.getMinP(), repetition,
                s.getPresencePenalty(), s.getFrequencyPenalty(), lastN, seed(request), topLogprobs,
                LogitBias.of(s.getLogitBiasMap()));
    }

    /**
     * The request's seed, or when it has none one derived from its id: every draw of a request is then a function
     * of the request record alone, so a redelivery, a rebuild or a replay samples the same tokens. Records older
     * than {@link RecordSchema#DERIVED_SEED_SINCE} keep their meaning: no seed was seed 0.
     */
    public static long seed(InferenceRequest request) {
        Sampling s = request.getSampling();
        if (s.hasSeed() || request.getSchemaVersion() < RecordSchema.DERIVED_SEED_SINCE) {
            return s.getSeed();
        }
        byte[] digest = SHA256.get().digest(seedIdentity(request).getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(digest).getLong();
    }

    /**
     * The id a derived seed comes from. A replayed copy runs under a new request id (its replies must not mix with
     * the original's) but has to draw exactly as the original did, so it derives from the id it replays.
     */
    private static String seedIdentity(InferenceRequest request) {
        String original = request.getReplay().getOriginalRequestId();
        return original.isEmpty() ? request.getRequestId() : original;
    }

    /**
     * Positions the sequence may reach: prompt plus {@code max_tokens}, or the context when that is smaller or
     * {@code max_tokens} is 0.
     */
    public static int positionLimit(InferenceRequest request, int maxContext) {
        long wanted = request.getMaxTokens() == 0 ? maxContext
                : (long) request.getPromptTokenIdsCount() + request.getMaxTokens();
        return (int) Math.min(wanted, maxContext);
    }
}
