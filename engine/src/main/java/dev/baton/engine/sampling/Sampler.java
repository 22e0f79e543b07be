package dev.baton.engine.sampling;

import java.util.Objects;

/**
 * Picks the next token from one row of logits. The chain, fixed and modelled on llama.cpp's default:
 * <ol>
 *   <li>on a private copy of the logits: the logit bias ({@link LogitBias}), then the penalties (repetition, then
 *       presence/frequency — see {@link Penalties});</li>
 *   <li>temperature 0: the argmax of the penalized logits, ties to the lowest id — nothing below applies;</li>
 *   <li>top-k; top-p over the survivors; min-p — all on the penalized logits at temperature 1;</li>
 *   <li>temperature: the survivors' logits divided by it, softmax, and one draw with the uniform number
 *       {@link CounterRandom#uniform CounterRandom.uniform(seed, tokenIndex)}.</li>
 * </ol>
 * Log-probabilities, when asked for, describe the raw model distribution (before bias, penalties, temperature and
 * truncation). The result is a pure function of the arguments: it depends on no earlier call, so sequences may be
 * sampled in any order and any batch. Owns vocabulary-sized scratch; allocates only the returned result.
 * Not thread-safe: use one sampler per thread.
 */
public final class Sampler {
    private static final int[] NO_IDS = new int[0];
    private static final float[] NO_LOGPROBS = new float[0];

    private final int vocabSize;
    private final float[] penalized;
    private final Penalties penalties;
    private final Truncation truncation;
    private final WeightedChoice choice;
    private final long[] topRanked;

    public Sampler(int vocabSize) {
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocabulary size must be positive, got " + vocabSize);
        }
        this.vocabSize = vocabSize;
        penalized = new float[vocabSize];
        penalties = new Penalties(vocabSize);
        truncation = new Truncation(vocabSize);
        choice = new WeightedChoice(vocabSize);
        topRanked = new long[vocabSize];
    }

    public int vocabSize() {
        return vocabSize;
    }

    /**
     * @param logits     holds the row to sample at {@code logits[offset .. offset + vocabSize)}; not modified
     * @param tokenIndex index of the token being drawn among the request's generated tokens (0 = the first one)
     * @param history    prompt and generated tokens so far (read by the penalties)
     * @throws IllegalArgumentException if the row holds NaN or +infinity, has no finite logit, or the history or the
     *                                  logit bias holds an id outside the vocabulary
     */
    public SampledToken sample(float[] logits, int offset, SamplingParams p, int tokenIndex, TokenHistory history) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(p, "sampling params");
        Objects.requireNonNull(history, "history");
        Objects.checkFromIndexSize(offset, vocabSize, logits.length);
        if (tokenIndex < 0) {
            throw new IllegalArgumentException("token index must be >= 0, got " + tokenIndex);
        }
        float[] row = logits;
        int base = offset;
        if (!p.logitBias().isEmpty() || Penalties.active(p)) {
            System.arraycopy(logits, offset, penalized, 0, vocabSize);
            p.logitBias().apply(penalized, vocabSize);
            penalties.apply(penalized, p, history);
            row = penalized;
            base = 0;
        }
        int best = LogitKernels.argmax(row, base, vocabSize);
        int id = p.isGreedy() ? best : draw(row, base, row[base + best], p, tokenIndex);
        return report(logits, offset, id, p.topLogprobs());
    }

    private int draw(float[] row, int base, float maxLogit, SamplingParams p, int tokenIndex) {
        long cut = truncation.cut(row, base, vocabSize, maxLogit, p, choice);
        choice.weigh(row, base, maxLogit, p.temperature(), cut);
        return choice.pick(CounterRandom.uniform(p.seed(), tokenIndex));
    }

    private SampledToken report(float[] logits, int offset, int id, int topLogprobs) {
        if (topLogprobs < 0) {
            return new SampledToken(id, Float.NaN, NO_IDS, NO_LOGPROBS);
        }
        double logNormalizer = choice.logSumExp(logits, offset);
        float logprob = (float) (logits[offset + id] - logNormalizer);
        int n = Math.min(topLogprobs, vocabSize);
        if (n == 0) {
            return new SampledToken(id, logprob, NO_IDS, NO_LOGPROBS);
        }
        RankedKeys.selectBest(logits, offset, vocabSize, n, topRanked);
        int[] ids = new int[n];
        float[] logprobs = new float[n];
        for (int i = 0; i < n; i++) {
            ids[i] = RankedKeys.id(topRanked[i]);
            logprobs[i] = (float) (logits[offset + ids[i]] - logNormalizer);
        }
        return new SampledToken(id, logprob, ids, logprobs);
    }
}
