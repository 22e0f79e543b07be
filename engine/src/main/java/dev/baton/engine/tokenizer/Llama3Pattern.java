package dev.baton.engine.tokenizer;

/**
 * The Llama 3 / Qwen 2 pre-tokenizer regex
 * {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,D}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}
 * where D is 3 for Llama 3 and 1 for Qwen 2. Every position matches one alternative, so the pieces cover the text.
 */
final class Llama3Pattern implements SplitPattern {
    private final int maxDigits;

    Llama3Pattern(int maxDigits) {
        this.maxDigits = maxDigits;
    }

    @Override
    public long find(Codepoints text, int from, int end) {
        return from < end ? SplitPattern.match(from, matchAt(text, from, end)) : NO_MATCH;
    }

    private int matchAt(Codepoints t, int p, int end) {
        int c = t.cp[p];
        if (c == '\'' && p + 1 < end) {
            int n = asciiLower(t.cp[p + 1]);
            if (n == 's' || n == 't' || n == 'm' || n == 'd') {
                return p + 2;
            }
            if (p + 2 < end) {
                int nn = asciiLower(t.cp[p + 2]);
                if ((n == 'r' && nn == 'e') || (n == 'v' && nn == 'e') || (n == 'l' && nn == 'l')) {
                    return p + 3;
                }
            }
        }
        boolean number = t.is(p, CodepointClass.NUMBER);
        if (c != '\r' && c != '\n' && !number
                && (t.is(p, CodepointClass.LETTER) || (p + 1 < end && t.is(p + 1, CodepointClass.LETTER)))) {
            return Gpt2Pattern.runOf(t, p + 1, end, CodepointClass.LETTER);
        }
        if (number) {
            int q = p;
            while (q < end && q - p < maxDigits && t.is(q, CodepointClass.NUMBER)) {
                q++;
            }
            return q;
        }
        int q = c == ' ' && p + 1 < end ? p + 1 : p;
        if (t.isOther(q)) {
            while (q < end && t.isOther(q)) {
                q++;
            }
            while (q < end && (t.cp[q] == '\r' || t.cp[q] == '\n')) {
                q++;
            }
            return q;
        }
        int r = p;
        int afterLastNewline = -1;
        while (r < end && t.is(r, CodepointClass.WHITESPACE)) {
            if (t.cp[r] == '\r' || t.cp[r] == '\n') {
                afterLastNewline = r + 1;
            }
            r++;
        }
        if (afterLastNewline > 0) {
            return afterLastNewline; // \s*[\r\n]+
        }
        if (r - p > 1 && r < end) {
            return r - 1; // \s+(?!\S)
        }
        return r; // \s+
    }

    /** The contractions are ASCII-only in every variant of this pattern (llama.cpp spells them '[sS] etc.). */
    private static int asciiLower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
}
