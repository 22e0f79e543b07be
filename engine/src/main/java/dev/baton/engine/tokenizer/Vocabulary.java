package dev.baton.engine.tokenizer;

import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A model's tokens as its GGUF file defines them: text, score and type of each id, the special token ids and the
 * encoding defaults. Immutable and thread-safe. Absent special tokens are {@link #NONE}.
 */
public final class Vocabulary {
    public static final int NONE = -1;

    private final String model;
    private final String preTokenizer;
    private final String[] texts;
    private final float[] scores;
    private final TokenType[] types;
    private final Map<String, Integer> ids;
    private final SpecialIds special;
    private final boolean addBos;
    private final boolean addEos;
    private final boolean addSpacePrefix;
    private final int[] endOfGeneration;

    /** The special token ids a vocabulary names, each {@link #NONE} when absent. */
    record SpecialIds(int bos, int eos, int eot, int eom, int unk, int sep, int pad, int mask) {
    }

    Vocabulary(String model, String preTokenizer, String[] texts, float[] scores, TokenType[] types,
               Map<String, Integer> ids, SpecialIds special, boolean addBos, boolean addEos, boolean addSpacePrefix,
               int[] endOfGeneration) {
        this.model = model;
        this.preTokenizer = preTokenizer;
        this.texts = texts;
        this.scores = scores;
        this.types = types;
        this.ids = ids;
        this.special = special;
        this.addBos = addBos;
        this.addEos = addEos;
        this.addSpacePrefix = addSpacePrefix;
        this.endOfGeneration = endOfGeneration.clone();
        Arrays.sort(this.endOfGeneration);
    }

    /** {@code tokenizer.ggml.model}: {@code llama} (SentencePiece BPE) or {@code gpt2} (byte-level BPE). */
    public String model() {
        return model;
    }

    /** The pre-tokenizer in use ({@code tokenizer.ggml.pre}, {@code default} when absent); none for SentencePiece. */
    public String preTokenizer() {
        return preTokenizer;
    }

    public int size() {
        return texts.length;
    }

    /** The token's text as stored in the vocabulary ({@code ▁Hello}, {@code Ġworld}, {@code <0x0A>}, {@code <s>}). */
    public String tokenText(int id) {
        return texts[checkId(id)];
    }

    public TokenType tokenType(int id) {
        return types[checkId(id)];
    }

    /** SentencePiece merge score (0 when the vocabulary has none). */
    public float score(int id) {
        return scores[checkId(id)];
    }

    /** The id of the token whose text is exactly {@code text}. */
    public OptionalInt id(String text) {
        Integer id = ids.get(text);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    public int bos() {
        return special.bos();
    }

    public int eos() {
        return special.eos();
    }

    /** End of turn ({@code <|eot_id|>}, {@code <|im_end|>}, {@code <end_of_turn>}, ...), or {@link #NONE}. */
    public int eot() {
        return special.eot();
    }

    /** End of message ({@code <|eom_id|>}), or {@link #NONE}. */
    public int eom() {
        return special.eom();
    }

    public int unk() {
        return special.unk();
    }

    public int sep() {
        return special.sep();
    }

    public int pad() {
        return special.pad();
    }

    public int mask() {
        return special.mask();
    }

    /** Whether {@code encode(text, addSpecial = true, ...)} starts with BOS. */
    public boolean addsBos() {
        return addBos;
    }

    /** Whether {@code encode(text, addSpecial = true, ...)} ends with EOS. */
    public boolean addsEos() {
        return addEos;
    }

    /** Whether SentencePiece encoding puts a space before text at the start (and after each special token). */
    public boolean addsSpacePrefix() {
        return addSpacePrefix;
    }

    /** Whether generating this token ends the sequence: EOS, EOT, EOM and the other end tokens llama.cpp stops on. */
    public boolean isEndOfGeneration(int id) {
        return Arrays.binarySearch(endOfGeneration, id) >= 0;
    }

    /** The end-of-generation ids, ascending. */
    public int[] endOfGenerationIds() {
        return endOfGeneration.clone();
    }

    /** Ids of the tokens matched as whole strings in text (control, user-defined and unknown tokens), ascending. */
    public int[] specialTokenIds() {
        return java.util.stream.IntStream.range(0, texts.length)
                .filter(id -> types[id].isSpecial() || types[id] == TokenType.USER_DEFINED)
                .toArray();
    }

    boolean isSpecial(int id) {
        return types[id].isSpecial();
    }

    private int checkId(int id) {
        if (id < 0 || id >= texts.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + texts.length + ")");
        }
        return id;
    }
}
