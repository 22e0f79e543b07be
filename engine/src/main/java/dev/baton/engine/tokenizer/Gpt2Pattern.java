package dev.baton.engine.tokenizer;

/**
 * GPT-2's pre-tokenizer regex {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)}:
 * contractions, letter runs, number runs and runs of other characters (each optionally after one space), and
 * whitespace runs that leave their last space to the word that follows.
 */
final class Gpt2Pattern implements SplitPattern {
    @Override
    public long find(Codepoints text, int from, int end) {
        for (int p = from; p < end; p++) {
            int e = matchAt(text, p, end);
            if (e > p) {
                return SplitPattern.match(p, e);
            }
        }
        return NO_MATCH;
    }

    private static int matchAt(Codepoints t, int p, int end) {
        int c = t.cp[p];
        if (c == '\'' && p + 1 < end) {
            int n = t.cp[p + 1];
            if (n == 's' || n == 't' || n == 'm' || n == 'd') {
                return p + 2;
            }
            if (p + 2 < end) {
                int nn = t.cp[p + 2];
                if ((n == 'r' && nn == 'e') || (n == 'v' && nn == 'e') || (n == 'l' && nn == 'l')) {
                    return p + 3;
                }
            }
        }
        int q = c == ' ' && p + 1 < end ? p + 1 : p;
        if (t.is(q, CodepointClass.LETTER)) {
            return runOf(t, q, end, CodepointClass.LETTER);
        }
        if (t.is(q, CodepointClass.NUMBER)) {
            return runOf(t, q, end, CodepointClass.NUMBER);
        }
        if (t.isOther(q)) {
            while (q < end && t.isOther(q)) {
                q++;
            }
            return q;
        }
        int r = runOf(t, p, end, CodepointClass.WHITESPACE);
        if (r == end) {
            return r; // \s+ at the end of the text
        }
        return r - p > 1 ? r - 1 : -1; // \s+(?!\S) gives back one whitespace; a single one does not match
    }

    static int runOf(Codepoints t, int from, int end, int classMask) {
        int q = from;
        while (q < end && t.is(q, classMask)) {
            q++;
        }
        return q;
    }
}
