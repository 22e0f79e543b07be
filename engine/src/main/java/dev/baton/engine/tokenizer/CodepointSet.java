package dev.baton.engine.tokenizer;

import java.util.Arrays;

/**
 * A regex character class: any of some {@link CodepointClass}es plus explicit code point ranges, possibly negated.
 * Ranges are tested the way llama.cpp's regex fallback sees the text: a non-ASCII whitespace code point reads as
 * U+000B, so no explicit range ever matches it (it counts as {@code \s} instead).
 */
final class CodepointSet {
    private final int classMask;
    /** Inclusive ranges, sorted by start: lo0, hi0, lo1, hi1, ... */
    private final int[] ranges;
    private final boolean negated;

    private CodepointSet(int classMask, int[] ranges, boolean negated) {
        this.classMask = classMask;
        this.ranges = ranges;
        this.negated = negated;
    }

    static CodepointSet ofClasses(int classMask) {
        return new CodepointSet(classMask, new int[0], false);
    }

    /** Classes plus single characters, e.g. {@code [\p{P}$+<=>^~|]}. */
    static CodepointSet of(int classMask, String characters) {
        int[] cps = characters.codePoints().toArray();
        int[] ranges = new int[cps.length * 2];
        for (int i = 0; i < cps.length; i++) {
            ranges[2 * i] = cps[i];
            ranges[2 * i + 1] = cps[i];
        }
        return new CodepointSet(classMask, sorted(ranges), false);
    }

    /** Inclusive ranges given as lo, hi pairs. */
    static CodepointSet ofRanges(int... loHi) {
        return new CodepointSet(0, sorted(loHi.clone()), false);
    }

    CodepointSet negate() {
        return new CodepointSet(classMask, ranges, !negated);
    }

    boolean contains(Codepoints text, int pos) {
        int cls = text.cls[pos];
        boolean in = (cls & classMask) != 0;
        if (!in && ranges.length > 0) {
            int cp = text.cp[pos];
            in = inRanges(cls == CodepointClass.WHITESPACE && cp > 0x7F ? 0x0B : cp);
        }
        return in != negated;
    }

    private boolean inRanges(int cp) {
        // ranges are disjoint and sorted: find the last one starting at or before cp
        int lo = 0;
        int hi = ranges.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (ranges[2 * mid] <= cp) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi >= 0 && cp <= ranges[2 * hi + 1];
    }

    /** Sorts lo, hi pairs and merges overlapping or touching ones, so a binary search can test membership. */
    private static int[] sorted(int[] loHi) {
        if (loHi.length % 2 != 0) {
            throw new IllegalArgumentException("ranges come in lo, hi pairs");
        }
        long[] packed = new long[loHi.length / 2];
        for (int i = 0; i < packed.length; i++) {
            if (loHi[2 * i] > loHi[2 * i + 1]) {
                throw new IllegalArgumentException("empty range " + loHi[2 * i] + ".." + loHi[2 * i + 1]);
            }
            packed[i] = ((long) loHi[2 * i] << 32) | loHi[2 * i + 1];
        }
        Arrays.sort(packed);
        int[] out = new int[loHi.length];
        int n = 0;
        for (long range : packed) {
            int lo = (int) (range >>> 32);
            int hi = (int) range;
            if (n > 0 && lo <= out[n - 1] + 1) {
                out[n - 1] = Math.max(out[n - 1], hi);
            } else {
                out[n++] = lo;
                out[n++] = hi;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
