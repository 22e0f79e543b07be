package dev.baton.engine.sampling;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Values added to chosen tokens' logits before anything else in the sampling chain (OpenAI's and llama.cpp's
 * {@code logit_bias}): -100 practically bans a token, +100 practically forces it. Immutable; ids ascending.
 */
public final class LogitBias {
    /** OpenAI's bound on a bias's magnitude. */
    public static final float MAX_BIAS = 100f;
    public static final LogitBias NONE = new LogitBias(new int[0], new float[0]);

    private final int[] ids;
    private final float[] biases;

    private LogitBias(int[] ids, float[] biases) {
        this.ids = ids;
        this.biases = biases;
    }

    /**
     * @throws IllegalArgumentException for a negative id or a bias that is not a finite number in [-100, 100]
     */
    public static LogitBias of(Map<Integer, Float> biasById) {
        if (biasById.isEmpty()) {
            return NONE;
        }
        TreeMap<Integer, Float> sorted = new TreeMap<>(biasById);
        int[] ids = new int[sorted.size()];
        float[] biases = new float[sorted.size()];
        int i = 0;
        for (Map.Entry<Integer, Float> e : sorted.entrySet()) {
            int id = e.getKey();
            float bias = e.getValue();
            if (id < 0) {
                throw new IllegalArgumentException("logit bias token id must be >= 0, got " + id);
            }
            if (!(Math.abs(bias) <= MAX_BIAS)) {
                throw new IllegalArgumentException("logit bias of token " + id + " must be in [-100, 100], got " + bias);
            }
            ids[i] = id;
            biases[i++] = bias;
        }
        return new LogitBias(ids, biases);
    }

    public boolean isEmpty() {
        return ids.length == 0;
    }

    /** The largest biased id, or -1 when there is none (for checking against a vocabulary). */
    public int maxId() {
        return ids.length == 0 ? -1 : ids[ids.length - 1];
    }

    /**
     * Adds the biases to {@code logits[id]}.
     *
     * @throws IllegalArgumentException if a biased id is outside the vocabulary (before changing anything)
     */
    void apply(float[] logits, int vocabSize) {
        if (maxId() >= vocabSize) {
            throw new IllegalArgumentException("logit bias token id " + maxId() + " is outside the vocabulary of "
                    + vocabSize + " tokens");
        }
        for (int i = 0; i < ids.length; i++) {
            logits[ids[i]] += biases[i];
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogitBias other && Arrays.equals(ids, other.ids) && Arrays.equals(biases, other.biases);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(biases);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < ids.length; i++) {
            s.append(i == 0 ? "" : ", ").append(ids[i]).append(": ").append(biases[i]);
        }
        return s.append('}').toString();
    }
}
