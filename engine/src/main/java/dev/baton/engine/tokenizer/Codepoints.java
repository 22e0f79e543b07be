package dev.baton.engine.tokenizer;

/**
 * A span of text as code points with their {@link CodepointClass}es, which is what pre-tokenizer patterns scan.
 * A lone surrogate (a Java string can hold one; UTF-8 cannot) becomes U+FFFD, as llama.cpp turns invalid UTF-8 into
 * U+FFFD.
 */
final class Codepoints {
    static final int REPLACEMENT = 0xFFFD;

    final int[] cp;
    final byte[] cls;
    final int length;

    private Codepoints(int[] cp, byte[] cls, int length) {
        this.cp = cp;
        this.cls = cls;
        this.length = length;
    }

    static Codepoints of(String text, int from, int to) {
        int[] cp = new int[to - from];
        byte[] cls = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; ) {
            int c = text.charAt(i++);
            if (Character.isHighSurrogate((char) c) && i < to && Character.isLowSurrogate(text.charAt(i))) {
                c = Character.toCodePoint((char) c, text.charAt(i++));
            } else if (Character.isSurrogate((char) c)) {
                c = REPLACEMENT;
            }
            cp[n] = c;
            cls[n] = (byte) CodepointClass.of(c);
            n++;
        }
        return new Codepoints(cp, cls, n);
    }

    boolean is(int pos, int classMask) {
        return (cls[pos] & classMask) != 0;
    }

    /** Neither whitespace, letter nor number: what {@code [^\s\p{L}\p{N}]} matches. */
    boolean isOther(int pos) {
        return (cls[pos] & (CodepointClass.WHITESPACE | CodepointClass.LETTER | CodepointClass.NUMBER)) == 0;
    }
}
