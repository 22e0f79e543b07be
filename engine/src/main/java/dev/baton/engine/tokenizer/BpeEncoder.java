package dev.baton.engine.tokenizer;

import java.util.HashMap;
import java.util.Map;

/**
 * Byte-level BPE ({@code tokenizer.ggml.model = gpt2}), as llama.cpp runs it: the pre-tokenizer splits text into
 * words; each word's UTF-8 bytes start as one symbol each, written in {@link ByteLevelAlphabet}; adjacent symbols
 * merge by the vocabulary's merge list, lowest rank first. With {@code ignoreMerges} (Llama 3) a word that is itself
 * a token is taken whole.
 */
final class BpeEncoder implements FragmentEncoder {
    private final int vocabSize;
    private final TokenType[] types;
    private final Map<String, Integer> ids;
    private final PreTokenizer preTokenizer;
    private final boolean ignoreMerges;
    /** Symbol of each byte: the token of its alphabet character, or an id above the vocabulary. */
    private final int[] byteSymbols = new int[256];
    private final MergeRules rules;
    private final WordCache cache = new WordCache();

    BpeEncoder(String[] texts, TokenType[] types, Map<String, Integer> ids, String[] merges, PreTokenizer preTokenizer,
               boolean ignoreMerges) {
        this.vocabSize = texts.length;
        this.types = types;
        this.ids = ids;
        this.preTokenizer = preTokenizer;
        this.ignoreMerges = ignoreMerges;
        // strings that are not tokens but take part in merges get ids above the vocabulary
        Map<String, Integer> extra = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            byteSymbols[b] = symbolOf(String.valueOf(ByteLevelAlphabet.charOf(b)), extra);
        }
        IntPairMap pairs = new IntPairMap(merges.length);
        int[] results = new int[merges.length];
        for (int rank = 0; rank < merges.length; rank++) {
            String merge = merges[rank];
            int space = merge.indexOf(' ', 1);
            if (space < 0) {
                continue; // llama.cpp files it under an empty pair, which never matches
            }
            String first = merge.substring(0, space);
            String second = merge.substring(space + 1);
            int result = symbolOf(first + second, extra);
            if (result < vocabSize && types[result].isSpecial()) {
                continue; // text never turns into a control token
            }
            results[rank] = result;
            pairs.putIfAbsent(symbolOf(first, extra), symbolOf(second, extra), rank);
        }
        this.rules = MergeRules.byRank(pairs, results);
    }

    private int symbolOf(String text, Map<String, Integer> extra) {
        Integer id = ids.get(text);
        if (id != null) {
            return id;
        }
        return extra.computeIfAbsent(text, t -> vocabSize + extra.size());
    }

    @Override
    public void encode(String text, int from, int to, boolean atTextStart, IntList out) {
        Codepoints cps = Codepoints.of(text, from, to);
        IntList ends = preTokenizer.split(cps);
        int start = 0;
        for (int w = 0; w < ends.size(); w++) {
            int end = ends.get(w);
            if (end - start > WordCache.MAX_WORD_LENGTH) {
                encodeWord(cps, start, end, out);
            } else {
                int[] cached = cache.get(cps.cp, start, end);
                if (cached == null) {
                    IntList word = new IntList(end - start);
                    encodeWord(cps, start, end, word);
                    cached = word.toArray();
                    cache.put(cps.cp, start, end, cached);
                }
                out.addAll(cached);
            }
            start = end;
        }
    }

    private void encodeWord(Codepoints cps, int from, int to, IntList out) {
        byte[] utf8 = new byte[(to - from) * 4];
        int n = 0;
        for (int i = from; i < to; i++) {
            n = putUtf8(cps.cp[i], utf8, n);
        }
        if (ignoreMerges) {
            Integer whole = ids.get(ByteLevelAlphabet.encode(utf8, 0, n));
            if (whole != null && !types[whole].isSpecial()) {
                out.add(whole);
                return;
            }
        }
        int[] sym = new int[n];
        int[] len = new int[n];
        for (int i = 0; i < n; i++) {
            sym[i] = byteSymbols[utf8[i] & 0xFF];
            len[i] = 1;
        }
        PairMerger.merge(rules, sym, len, n);
        for (int i = 0; i < n; i += len[i]) {
            if (sym[i] < vocabSize && !types[sym[i]].isSpecial()) {
                out.add(sym[i]);
            } else {
                // no such token: llama.cpp looks up each byte of the symbol's text alone, which only printable
                // ASCII bytes (written as themselves in the alphabet) can match
                for (int j = i; j < i + len[i]; j++) {
                    int b = utf8[j] & 0xFF;
                    if (b >= 0x21 && b <= 0x7E) {
                        Integer single = ids.get(String.valueOf((char) b));
                        if (single != null && !types[single].isSpecial()) {
                            out.add(single);
                        }
                    }
                }
            }
        }
    }

    private static int putUtf8(int cp, byte[] out, int n) {
        if (cp < 0x80) {
            out[n++] = (byte) cp;
        } else if (cp < 0x800) {
            out[n++] = (byte) (0xC0 | (cp >> 6));
            out[n++] = (byte) (0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[n++] = (byte) (0xE0 | (cp >> 12));
            out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            out[n++] = (byte) (0x80 | (cp & 0x3F));
        } else {
            out[n++] = (byte) (0xF0 | (cp >> 18));
            out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            out[n++] = (byte) (0x80 | (cp & 0x3F));
        }
        return n;
    }
}
