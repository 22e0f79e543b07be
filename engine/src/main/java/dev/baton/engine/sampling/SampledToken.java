package dev.baton.engine.sampling;

import java.util.Arrays;

/**
 * The chosen token and, when asked for, log-probabilities under the raw model distribution (log-softmax of the logits
 * before penalties, temperature and truncation — what vLLM reports by default).
 *
 * @param id          the chosen token
 * @param logprob     natural log of the chosen token's raw probability; NaN when log-probabilities were not asked for
 * @param topIds      the most likely tokens, most likely first (ties: lowest id first); empty unless asked for
 * @param topLogprobs their log-probabilities, aligned with {@code topIds}
 */
public record SampledToken(int id, float logprob, int[] topIds, float[] topLogprobs) {

    public SampledToken {
        if (topIds.length != topLogprobs.length) {
            throw new IllegalArgumentException("topIds and topLogprobs differ in length: "
                    + topIds.length + " vs " + topLogprobs.length);
        }
    }

    public boolean hasLogprobs() {
        return !Float.isNaN(logprob);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampledToken t && id == t.id && Float.compare(logprob, t.logprob) == 0
                && Arrays.equals(topIds, t.topIds) && Arrays.equals(topLogprobs, t.topLogprobs);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * id + Float.hashCode(logprob)) + Arrays.hashCode(topIds)) + Arrays.hashCode(topLogprobs);
    }

    @Override
    public String toString() {
        return "SampledToken[id=" + id + ", logprob=" + logprob + ", topIds=" + Arrays.toString(topIds)
                + ", topLogprobs=" + Arrays.toString(topLogprobs) + "]";
    }
}
