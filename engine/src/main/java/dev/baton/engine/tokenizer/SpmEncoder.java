package dev.baton.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * SentencePiece-style BPE ({@code tokenizer.ggml.model = llama}), as llama.cpp runs it: spaces become {@code ▁}
 * (with one more in front when the vocabulary adds a space prefix), every character starts as a symbol, and adjacent
 * symbols whose concatenation is a token merge, highest token score first. Characters left without a token fall back
 * to {@code <0xXX>} byte tokens (or the unknown token when the vocabulary has no byte tokens).
 * <p>
 * SentencePiece merges the whole text at once. Doing so on megabytes would make one huge queue; instead the text is
 * cut wherever no token contains the two characters on either side of the cut — no merge can ever cross such a
 * place, so the pieces are independent and merging them one by one gives exactly the same tokens. For Llama's
 * vocabulary that cuts before each {@code ▁}, i.e. into words, which also lets a cache skip repeated words.
 */
final class SpmEncoder implements FragmentEncoder {
    static final int ESCAPED_SPACE = 0x2581;
    private static final int NO_SYMBOL = -1;

    private final int vocabSize;
    private final boolean addSpacePrefix;
    private final int unk;
    /** Symbol id per character: its token, an id above the vocabulary for characters inside tokens, or NO_SYMBOL. */
    private final int[] bmpSymbols = new int[0x10000];
    private final Map<Integer, Integer> supplementarySymbols = new HashMap<>();
    private final MergeRules rules;
    /** Character pairs that occur side by side in some token: text may not be cut between them. */
    private final IntPairMap joined;
    private final int[] byteTokens = new int[256];
    private final WordCache cache = new WordCache();

    SpmEncoder(String[] texts, TokenType[] types, float[] scores, Map<String, Integer> ids, boolean addSpacePrefix,
               int unk) {
        this.vocabSize = texts.length;
        this.addSpacePrefix = addSpacePrefix;
        this.unk = unk;
        java.util.Arrays.fill(bmpSymbols, NO_SYMBOL);
        int nextSymbol = vocabSize;
        // tokens made of one character are symbols themselves; text never produces control or unknown tokens
        for (int id = 0; id < vocabSize; id++) {
            String t = texts[id];
            if (!types[id].isSpecial() && t.codePointCount(0, t.length()) == 1 && ids.get(t) == id) {
                setSymbol(t.codePointAt(0), id);
            }
        }
        joined = new IntPairMap(vocabSize * 4);
        for (int id = 0; id < vocabSize; id++) {
            int[] cps = texts[id].codePoints().toArray();
            for (int i = 0; i < cps.length; i++) {
                if (symbol(cps[i]) == NO_SYMBOL) {
                    setSymbol(cps[i], nextSymbol++);
                }
                if (i > 0) {
                    joined.putIfAbsent(cps[i - 1], cps[i], 0);
                }
            }
        }
        rules = mergeRules(texts, types, scores, ids);
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = ids.getOrDefault(String.format("<0x%02X>", b), NO_SYMBOL);
        }
    }

    /**
     * One rule per way of splitting a token's text into two symbols, whatever order merges took: a merge applies
     * whenever two adjacent symbols concatenate to a token, which is what llama.cpp's text lookup does.
     */
    private MergeRules mergeRules(String[] texts, TokenType[] types, float[] scores, Map<String, Integer> ids) {
        IntPairMap pairs = new IntPairMap(vocabSize * 4);
        int[] results = new int[vocabSize];
        for (int id = 0; id < vocabSize; id++) {
            results[id] = id;
            String t = texts[id];
            if (types[id].isSpecial() || ids.get(t) != id) {
                continue;
            }
            for (int cut = t.offsetByCodePoints(0, 1); cut < t.length(); cut = t.offsetByCodePoints(cut, 1)) {
                int left = symbolOf(t.substring(0, cut), ids, types);
                int right = symbolOf(t.substring(cut), ids, types);
                if (left != NO_SYMBOL && right != NO_SYMBOL) {
                    pairs.putIfAbsent(left, right, id);
                }
            }
        }
        return MergeRules.byScore(pairs, results, scores);
    }

    /** The symbol a merge step could hold with this text: a text token, or a single character. */
    private int symbolOf(String text, Map<String, Integer> ids, TokenType[] types) {
        Integer id = ids.get(text);
        if (id != null && !types[id].isSpecial()) {
            return id;
        }
        return text.codePointCount(0, text.length()) == 1 ? symbol(text.codePointAt(0)) : NO_SYMBOL;
    }

    @Override
    public void encode(String text, int from, int to, boolean atTextStart, IntList out) {
        Piece piece = new Piece();
        if (addSpacePrefix && atTextStart) {
            piece.append(ESCAPED_SPACE);
        }
        for (int i = from; i < to; ) {
            char c = text.charAt(i++);
            int cp;
            if (c == ' ') {
                cp = ESCAPED_SPACE;
            } else if (Character.isHighSurrogate(c) && i < to && Character.isLowSurrogate(text.charAt(i))) {
                cp = Character.toCodePoint(c, text.charAt(i++));
            } else {
                cp = Character.isSurrogate(c) ? Codepoints.REPLACEMENT : c; // a lone surrogate has no UTF-8 form
            }
            if (piece.length > 0 && !joined.contains(piece.cps[piece.length - 1], cp)) {
                encodePiece(piece, out);
                piece.length = 0;
            }
            piece.append(cp);
        }
        if (piece.length > 0) {
            encodePiece(piece, out);
        }
    }

    private void encodePiece(Piece piece, IntList out) {
        if (piece.length > WordCache.MAX_WORD_LENGTH) {
            merge(piece.cps, 0, piece.length, out);
            return;
        }
        int[] cached = cache.get(piece.cps, 0, piece.length);
        if (cached == null) {
            IntList ids = new IntList(piece.length);
            merge(piece.cps, 0, piece.length, ids);
            cached = ids.toArray();
            cache.put(piece.cps, 0, piece.length, cached);
        }
        out.addAll(cached);
    }

    private void merge(int[] cps, int from, int to, IntList out) {
        int n = to - from;
        int[] sym = new int[n];
        int[] len = new int[n];
        for (int i = 0; i < n; i++) {
            sym[i] = symbol(cps[from + i]);
            len[i] = 1;
        }
        PairMerger.merge(rules, sym, len, n);
        for (int i = 0; i < n; i += len[i]) {
            if (sym[i] >= 0 && sym[i] < vocabSize) {
                out.add(sym[i]);
            } else {
                byteFallback(cps[from + i], out); // a single character without a token
            }
        }
    }

    private void byteFallback(int cp, IntList out) {
        byte[] bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            if (byteTokens[b & 0xFF] == NO_SYMBOL) {
                // llama.cpp aborts here; a vocabulary without byte tokens (TinyStories) maps the character to <unk>
                if (unk != Vocabulary.NONE) {
                    out.add(unk);
                }
                return;
            }
        }
        for (byte b : bytes) {
            out.add(byteTokens[b & 0xFF]);
        }
    }

    private int symbol(int cp) {
        return cp < 0x10000 ? bmpSymbols[cp] : supplementarySymbols.getOrDefault(cp, NO_SYMBOL);
    }

    private void setSymbol(int cp, int symbol) {
        if (cp < 0x10000) {
            bmpSymbols[cp] = symbol;
        } else {
            supplementarySymbols.put(cp, symbol);
        }
    }

    /** The escaped code points of the piece being collected. */
    private static final class Piece {
        int[] cps = new int[64];
        int length;

        void append(int cp) {
            if (length == cps.length) {
                cps = java.util.Arrays.copyOf(cps, length * 2);
            }
            cps[length++] = cp;
        }
    }
}
