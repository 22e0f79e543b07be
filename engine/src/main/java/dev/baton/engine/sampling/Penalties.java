package dev.baton.engine.sampling;

/**
 * Applies the repetition, presence and frequency penalties to a private copy of the logits.
 * <ul>
 *   <li>Repetition (llama.cpp semantics): each distinct token among the last {@code penaltyLastN} tokens of the
 *       history — prompt included — has a positive logit divided by the penalty, a negative one multiplied by it.
 *       Applied once per distinct token, however often it occurs.</li>
 *   <li>Presence and frequency (OpenAI semantics): over all generated tokens (not the prompt, no window), a token
 *       that occurred c &gt; 0 times loses {@code c * frequencyPenalty + presencePenalty} from its logit.</li>
 * </ul>
 * Repetition comes first, as in llama.cpp and vLLM. Occurrences are counted in a vocabulary-sized scratch array that
 * is all zeros between calls, so the cost is proportional to the history, not the vocabulary.
 */
final class Penalties {
    private final int[] counts;

    Penalties(int vocabSize) {
        counts = new int[vocabSize];
    }

    static boolean active(SamplingParams p) {
        return p.hasRepetitionPenalty() || p.hasOutputPenalties();
    }

    void apply(float[] logits, SamplingParams p, TokenHistory history) {
        int size = history.size();
        int windowStart = p.penaltyLastN() < 0 ? 0 : Math.max(0, size - p.penaltyLastN());
        int outputStart = history.promptLength();
        boolean repetition = p.hasRepetitionPenalty();
        boolean output = p.hasOutputPenalties();
        // validate first so that a bad id cannot leave the scratch counts dirty halfway through
        checkIds(history, repetition ? Math.min(windowStart, outputStart) : outputStart, size);
        if (repetition) {
            float penalty = p.repetitionPenalty();
            for (int i = windowStart; i < size; i++) {
                int t = history.get(i);
                if (counts[t] == 0) {
                    counts[t] = 1;
                    float l = logits[t];
                    logits[t] = l <= 0 ? l * penalty : l / penalty;
                }
            }
            for (int i = windowStart; i < size; i++) {
                counts[history.get(i)] = 0;
            }
        }
        if (output) {
            for (int i = outputStart; i < size; i++) {
                counts[history.get(i)]++;
            }
            for (int i = outputStart; i < size; i++) {
                int t = history.get(i);
                int c = counts[t];
                if (c > 0) {
                    logits[t] -= c * p.frequencyPenalty() + p.presencePenalty();
                    counts[t] = 0;
                }
            }
        }
    }

    private void checkIds(TokenHistory history, int from, int to) {
        for (int i = from; i < to; i++) {
            int t = history.get(i);
            if (t >= counts.length) {
                throw new IllegalArgumentException("history token " + t + " at position " + i
                        + " is outside the vocabulary of " + counts.length + " tokens");
            }
        }
    }
}
