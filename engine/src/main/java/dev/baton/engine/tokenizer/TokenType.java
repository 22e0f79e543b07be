package dev.baton.engine.tokenizer;

/** A token's kind as {@code tokenizer.ggml.token_type} stores it (llama.cpp's {@code llama_token_type} values). */
public enum TokenType {
    UNDEFINED(0),
    /** Ordinary text. */
    NORMAL(1),
    /** The unknown token ({@code <unk>}). */
    UNKNOWN(2),
    /** Control tokens (BOS, EOS, chat markers): never produced from text unless special-token parsing is asked for. */
    CONTROL(3),
    /** Tokens added to a vocabulary as whole strings; always matched in text before anything else, as in llama.cpp. */
    USER_DEFINED(4),
    UNUSED(5),
    /** SentencePiece byte-fallback tokens {@code <0x00>} .. {@code <0xFF>}. */
    BYTE(6);

    private final int ggufValue;

    TokenType(int ggufValue) {
        this.ggufValue = ggufValue;
    }

    public int ggufValue() {
        return ggufValue;
    }

    /** The type for a stored value; unknown values are UNDEFINED, as in llama.cpp. */
    public static TokenType fromGguf(long value) {
        for (TokenType t : values()) {
            if (t.ggufValue == value) {
                return t;
            }
        }
        return UNDEFINED;
    }

    /** Control and unknown tokens stand for no text: decoding leaves them out and encoding never produces them from text. */
    public boolean isSpecial() {
        return this == CONTROL || this == UNKNOWN;
    }
}
