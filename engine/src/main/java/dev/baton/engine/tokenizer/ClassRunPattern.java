package dev.baton.engine.tokenizer;

/**
 * A run of characters from one {@link CodepointSet}, {@code min} to {@code max} long, optionally preceded by one
 * space or whitespace: {@code [\r\n]}, {@code \p{N}}, {@code \p{N}+}, {@code [0-9][0-9][0-9]}, {@code \s?\p{L}+},
 * {@code  ?[^(\s|.,!?…)]+} and the like.
 */
final class ClassRunPattern implements SplitPattern {
    enum Lead { NONE, SPACE, WHITESPACE }

    private final Lead lead;
    private final CodepointSet set;
    private final int min;
    private final int max;

    private ClassRunPattern(Lead lead, CodepointSet set, int min, int max) {
        this.lead = lead;
        this.set = set;
        this.min = min;
        this.max = max;
    }

    /** {@code [set]+}, or with a lead {@code  ?[set]+} / {@code \s?[set]+}. */
    static ClassRunPattern run(Lead lead, CodepointSet set) {
        return new ClassRunPattern(lead, set, 1, Integer.MAX_VALUE);
    }

    /** Exactly {@code count} characters of the set: {@code [set]} or {@code [set][set][set]}. */
    static ClassRunPattern exactly(int count, CodepointSet set) {
        return new ClassRunPattern(Lead.NONE, set, count, count);
    }

    @Override
    public long find(Codepoints text, int from, int end) {
        int p = from;
        while (p < end) {
            if (lead != Lead.NONE && p + 1 < end && isLead(text, p) && set.contains(text, p + 1)) {
                return SplitPattern.match(p, runEnd(text, p + 1, end, Integer.MAX_VALUE));
            }
            if (set.contains(text, p)) {
                int r = runEnd(text, p, end, max);
                if (r - p >= min) {
                    return SplitPattern.match(p, r);
                }
                p = r; // too short here, and shorter still from every later position of this run
                continue;
            }
            p++;
        }
        return NO_MATCH;
    }

    private boolean isLead(Codepoints text, int p) {
        return lead == Lead.SPACE ? text.cp[p] == ' ' : text.is(p, CodepointClass.WHITESPACE);
    }

    private int runEnd(Codepoints text, int from, int end, int maxLength) {
        int q = from;
        while (q < end && q - from < maxLength && set.contains(text, q)) {
            q++;
        }
        return q;
    }
}
