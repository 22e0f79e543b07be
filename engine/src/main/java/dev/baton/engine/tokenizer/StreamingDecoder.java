package dev.baton.engine.tokenizer;

/**
 * Turns a stream of token ids into text as it is generated. A token may end in the middle of a UTF-8 sequence (byte
 * fallback tokens, byte-level BPE tokens); its bytes are held back until the character completes, so every string
 * returned is whole characters. Bytes that can never form a character become U+FFFD, one per maximal ill-formed
 * subsequence (the Unicode recommendation, as Python and browsers decode; {@code new String(bytes, UTF_8)} agrees
 * except that it makes one U+FFFD of an encoded surrogate); {@link #flush} ends the stream, turning a dangling
 * incomplete character into U+FFFD.
 * <p>
 * Control and unknown tokens (BOS, EOS, chat markers) produce no text. With a SentencePiece vocabulary that adds a
 * space prefix, the encoder put a space before the text; the decoder removes it again from the first token of the
 * sequence and from a token directly after BOS (as SentencePiece and llama2.c decode), and keeps every other space.
 * <p>
 * Not thread-safe: one decoder per stream.
 */
public final class StreamingDecoder {
    private static final char REPLACEMENT = '\uFFFD';

    private final TokenPieces pieces;
    private final Vocabulary vocabulary;
    private final boolean stripsSpacePrefix;
    private final StringBuilder text = new StringBuilder();
    private boolean stripNext;

    // the UTF-8 sequence in progress: continuation bytes still needed, code point so far, range of the next byte
    private int need;
    private int codepoint;
    private int lower;
    private int upper;

    StreamingDecoder(TokenPieces pieces, Vocabulary vocabulary, int previousToken) {
        this.pieces = pieces;
        this.vocabulary = vocabulary;
        this.stripsSpacePrefix = vocabulary.addsSpacePrefix();
        this.stripNext = stripsSpacePrefix && (previousToken == Vocabulary.NONE || previousToken == vocabulary.bos());
    }

    /** The text that token {@code id} completes: possibly empty, never a partial character. */
    public String feed(int id) {
        text.setLength(0);
        append(id, text);
        return text.toString();
    }

    /** Ends the stream: the replacement character if the last tokens left a character incomplete, else "". */
    public String flush() {
        text.setLength(0);
        finish(text);
        return text.toString();
    }

    void append(int id, StringBuilder out) {
        if (id < 0 || id >= vocabulary.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, "
                    + vocabulary.size() + ")");
        }
        if (id == vocabulary.bos()) {
            stripNext = stripsSpacePrefix;
            return;
        }
        boolean strip = stripNext;
        stripNext = false;
        if (vocabulary.isSpecial(id)) {
            return;
        }
        int from = pieces.offset(id);
        int to = from + pieces.length(id);
        if (strip && from < to && pieces.byteAt(from) == ' ') {
            from++;
        }
        for (int i = from; i < to; i++) {
            decode(pieces.byteAt(i) & 0xFF, out);
        }
    }

    void finish(StringBuilder out) {
        if (need > 0) {
            out.append(REPLACEMENT);
            need = 0;
        }
    }

    private void decode(int b, StringBuilder out) {
        if (need > 0) {
            if (b >= lower && b <= upper) {
                codepoint = (codepoint << 6) | (b & 0x3F);
                lower = 0x80;
                upper = 0xBF;
                if (--need == 0) {
                    out.appendCodePoint(codepoint);
                }
                return;
            }
            out.append(REPLACEMENT); // the sequence broke off; this byte starts afresh
            need = 0;
        }
        if (b < 0x80) {
            out.append((char) b);
        } else if (b >= 0xC2 && b <= 0xDF) {
            start(1, b & 0x1F, 0x80, 0xBF);
        } else if (b >= 0xE0 && b <= 0xEF) {
            start(2, b & 0x0F, b == 0xE0 ? 0xA0 : 0x80, b == 0xED ? 0x9F : 0xBF);
        } else if (b >= 0xF0 && b <= 0xF4) {
            start(3, b & 0x07, b == 0xF0 ? 0x90 : 0x80, b == 0xF4 ? 0x8F : 0xBF);
        } else {
            out.append(REPLACEMENT); // a continuation byte without a lead, or a byte UTF-8 never uses
        }
    }

    private void start(int continuationBytes, int bits, int nextLower, int nextUpper) {
        need = continuationBytes;
        codepoint = bits;
        lower = nextLower;
        upper = nextUpper;
    }
}
