package dev.baton.engine.tokenizer;

/**
 * One regular expression of a pre-tokenizer, hand-written as a scanner with the regex's exact semantics (leftmost
 * match, alternatives tried in order, greedy with backtracking where the pattern has any). Java's regex engine lacks
 * some constructs these patterns were written for, and scanners are several times faster anyway.
 */
interface SplitPattern {
    long NO_MATCH = -1L;

    /**
     * The leftmost match in {@code text[from, end)}, as {@code start << 32 | end}, or {@link #NO_MATCH}. The range is
     * the whole subject: lookaheads and {@code $} see {@code end} as the end of the text.
     */
    long find(Codepoints text, int from, int end);

    static long match(int start, int end) {
        return ((long) start << 32) | end;
    }
}
