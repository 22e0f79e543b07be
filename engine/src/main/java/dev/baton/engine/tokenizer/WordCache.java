package dev.baton.engine.tokenizer;

import java.util.Arrays;

/**
 * Token ids of recently encoded words. Natural text repeats a small set of words, so most words skip merging. The
 * cache is a fixed table indexed by the word's hash where a new word simply replaces whatever was in its slot: memory
 * stays bounded and a hit allocates nothing. It is shared by all threads using a tokenizer without locking: entries are
 * immutable, so a thread sees either a whole entry or none.
 */
final class WordCache {
    /** Longer words are rare and costly to compare; they are always merged. */
    static final int MAX_WORD_LENGTH = 24;
    private static final int SLOTS = 1 << 15;

    private record Entry(int[] word, int[] ids) {
    }

    private final Entry[] slots = new Entry[SLOTS];

    /** The ids cached for the code points {@code word[from, to)}, or null. */
    int[] get(int[] word, int from, int to) {
        Entry e = slots[slot(word, from, to)];
        return e != null && Arrays.equals(e.word(), 0, e.word().length, word, from, to) ? e.ids() : null;
    }

    void put(int[] word, int from, int to, int[] ids) {
        slots[slot(word, from, to)] = new Entry(Arrays.copyOfRange(word, from, to), ids);
    }

    private static int slot(int[] word, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = h * 31 + word[i];
        }
        h ^= h >>> 15;
        h *= 0x2C1B3C6D;
        h ^= h >>> 12;
        return h & (SLOTS - 1);
    }
}
