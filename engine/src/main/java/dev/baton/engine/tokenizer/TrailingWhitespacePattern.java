package dev.baton.engine.tokenizer;

/** {@code \s+$}: the whitespace that ends the text, if any. */
final class TrailingWhitespacePattern implements SplitPattern {
    @Override
    public long find(Codepoints text, int from, int end) {
        int start = end;
        while (start > from && text.is(start - 1, CodepointClass.WHITESPACE)) {
            start--;
        }
        return start < end ? SplitPattern.match(start, end) : NO_MATCH;
    }
}
