package dev.baton.engine.tokenizer;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Token ids of recently encoded words. Natural text repeats a small set of words, so most words skip merging; the
 * cache is shared by all threads using a tokenizer and is simply emptied when full, which bounds its memory.
 */
final class WordCache {
    /** Longer words are rare and costly to key; they are always merged. */
    static final int MAX_WORD_LENGTH = 24;
    private static final int MAX_ENTRIES = 1 << 15;

    private final ConcurrentHashMap<String, int[]> ids = new ConcurrentHashMap<>();

    int[] get(String word) {
        return ids.get(word);
    }

    void put(String word, int[] tokens) {
        if (ids.size() >= MAX_ENTRIES) {
            ids.clear();
        }
        ids.put(word, tokens);
    }
}
