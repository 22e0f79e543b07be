package dev.baton.engine.tokenizer;

/**
 * A map from a pair of non-negative ints to an int, with open addressing over primitive arrays: merge lookups happen
 * once per adjacent symbol pair of every encoded word, so they must not box or chase pointers.
 */
final class IntPairMap {
    static final int ABSENT = -1;
    private static final long EMPTY = -1L;

    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    IntPairMap(int expectedSize) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedSize * 2 - 1)) << 1;
        allocate(capacity);
    }

    /** Keeps the first value stored for a pair, as llama.cpp keeps the first (highest-priority) merge of a pair. */
    void putIfAbsent(int left, int right, int value) {
        if (left < 0 || right < 0) {
            throw new IllegalArgumentException("negative key " + left + ", " + right);
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        long key = key(left, right);
        int slot = slot(key);
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                return;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = value;
        size++;
    }

    /** The value for (left, right), or {@link #ABSENT}; negative keys are never present. */
    int get(int left, int right) {
        if ((left | right) < 0) {
            return ABSENT;
        }
        long key = key(left, right);
        int slot = slot(key);
        long k;
        while ((k = keys[slot]) != EMPTY) {
            if (k == key) {
                return values[slot];
            }
            slot = (slot + 1) & mask;
        }
        return ABSENT;
    }

    boolean contains(int left, int right) {
        return get(left, right) != ABSENT;
    }

    int size() {
        return size;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | right;
    }

    private int slot(long key) {
        // a full 64-bit mix: ids are small and dense, and a plain multiply leaves linear probing long clustered runs
        long h = key;
        h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
        h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return (int) (h ^ (h >>> 33)) & mask;
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new int[capacity];
        java.util.Arrays.fill(keys, EMPTY);
        mask = capacity - 1;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        allocate(oldKeys.length * 2);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                putIfAbsent((int) (oldKeys[i] >>> 32), (int) oldKeys[i], oldValues[i]);
            }
        }
    }
}
