package dev.baton.engine.sampling;

import java.util.Arrays;

/**
 * The tokens of one sequence so far — prompt, then generated tokens — append-only. Penalties read it: the repetition
 * penalty looks at a window over all of it, presence and frequency penalties only at the generated part.
 * Rebuilding a sequence after a worker loss is {@code TokenHistory.of(prompt, generatedSoFar)}.
 */
public final class TokenHistory {
    private int[] tokens;
    private int size;
    private final int promptLength;

    public TokenHistory(int[] prompt) {
        this(prompt, new int[0]);
    }

    private TokenHistory(int[] prompt, int[] generated) {
        tokens = new int[Math.max(16, 2 * (prompt.length + generated.length))];
        promptLength = prompt.length;
        for (int t : prompt) {
            append(t);
        }
        for (int t : generated) {
            append(t);
        }
    }

    public static TokenHistory of(int[] prompt, int[] generated) {
        return new TokenHistory(prompt, generated);
    }

    /** Records a generated token. Amortized growth: no allocation on most calls. */
    public void append(int token) {
        if (token < 0) {
            throw new IllegalArgumentException("token ids are >= 0, got " + token);
        }
        if (size == tokens.length) {
            tokens = Arrays.copyOf(tokens, 2 * size);
        }
        tokens[size++] = token;
    }

    public int get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("token " + index + " of a history of " + size);
        }
        return tokens[index];
    }

    /** Prompt plus generated tokens. */
    public int size() {
        return size;
    }

    public int promptLength() {
        return promptLength;
    }

    public int generatedCount() {
        return size - promptLength;
    }

    public int[] toArray() {
        return Arrays.copyOf(tokens, size);
    }
}
