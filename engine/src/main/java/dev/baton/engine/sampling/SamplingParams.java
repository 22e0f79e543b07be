package dev.baton.engine.sampling;

/**
 * How to pick the next token. Each rule has a value that switches it off, so one record covers greedy decoding and
 * every combination of sampling rules; the order in which they apply is fixed by {@link Sampler}.
 *
 * @param temperature       0 = greedy (argmax of the penalized logits, ties to the lowest id); otherwise the divisor
 *                          of the logits before the draw
 * @param topK              keep the k most likely tokens; 0 = off
 * @param topP              keep the smallest most-likely set whose probability reaches p; 1 = off
 * @param minP              keep tokens at least {@code minP} times as likely as the most likely one; 0 = off
 * @param repetitionPenalty llama.cpp style, over the last {@code penaltyLastN} tokens of prompt + output; 1 = off
 * @param presencePenalty   OpenAI style, subtracted once from every token generated so far; in [-2, 2], 0 = off
 * @param frequencyPenalty  OpenAI style, subtracted per occurrence in the generated tokens; in [-2, 2], 0 = off
 * @param penaltyLastN      window of the repetition penalty: the last N tokens of the history; -1 = all; 0 = off
 * @param seed              key of the counter-based random draw (see {@link CounterRandom})
 * @param topLogprobs       -1 = no log-probabilities; 0 = the chosen token's only; n = also the n most likely tokens
 * @param logitBias         added to chosen tokens' logits first of all; {@link LogitBias#NONE} = off
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float repetitionPenalty,
                             float presencePenalty, float frequencyPenalty, int penaltyLastN, long seed,
                             int topLogprobs, LogitBias logitBias) {

    /** Presence and frequency penalties outside this magnitude are refused, as the OpenAI API does. */
    public static final float MAX_ADDITIVE_PENALTY = 2f;

    public SamplingParams {
        require(Float.isFinite(temperature) && temperature >= 0, "temperature must be a finite number >= 0", temperature);
        require(topK >= 0, "topK must be >= 0 (0 = off)", topK);
        require(topP > 0 && topP <= 1, "topP must be in (0, 1] (1 = off)", topP);
        require(minP >= 0 && minP <= 1, "minP must be in [0, 1] (0 = off)", minP);
        require(Float.isFinite(repetitionPenalty) && repetitionPenalty > 0,
                "repetitionPenalty must be a finite number > 0 (1 = off)", repetitionPenalty);
        require(Math.abs(presencePenalty) <= MAX_ADDITIVE_PENALTY, "presencePenalty must be in [-2, 2]", presencePenalty);
        require(Math.abs(frequencyPenalty) <= MAX_ADDITIVE_PENALTY, "frequencyPenalty must be in [-2, 2]", frequencyPenalty);
        require(penaltyLastN >= -1, "penaltyLastN must be >= -1 (-1 = whole history, 0 = off)", penaltyLastN);
        require(topLogprobs >= -1, "topLogprobs must be >= -1 (-1 = off)", topLogprobs);
        require(logitBias != null, "logitBias must not be null (LogitBias.NONE = off)", logitBias);
    }

    /** Without a logit bias. */
    public SamplingParams(float temperature, int topK, float topP, float minP, float repetitionPenalty,
                          float presencePenalty, float frequencyPenalty, int penaltyLastN, long seed, int topLogprobs) {
        this(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, penaltyLastN, seed,
                topLogprobs, LogitBias.NONE);
    }

    public SamplingParams withLogitBias(LogitBias bias) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty,
                penaltyLastN, seed, topLogprobs, bias);
    }

    /** Argmax decoding with no penalties and no log-probabilities. */
    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, 64, 0L, -1);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }

    boolean hasRepetitionPenalty() {
        return repetitionPenalty != 1f && penaltyLastN != 0;
    }

    boolean hasOutputPenalties() {
        return presencePenalty != 0f || frequencyPenalty != 0f;
    }

    private static void require(boolean ok, String rule, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(rule + ", got " + value);
        }
    }
}
