package dev.baton.engine.tokenizer;

/** Encodes a fragment of plain text (special tokens already cut out) with one tokenizer model. */
interface FragmentEncoder {
    /**
     * Appends the ids of {@code text[from, to)} to {@code out}.
     *
     * @param atTextStart whether the fragment starts the text or follows a special token (SentencePiece puts its space
     *                    prefix there)
     */
    void encode(String text, int from, int to, boolean atTextStart, IntList out);
}
