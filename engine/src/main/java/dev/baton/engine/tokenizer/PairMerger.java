package dev.baton.engine.tokenizer;

import java.util.Arrays;

/**
 * Greedy pair merging, the core of both SentencePiece-BPE and byte-level BPE: repeatedly merge the adjacent pair with
 * the highest priority (ties: the leftmost), until no rule applies. Symbols form a linked list and candidate pairs sit
 * in a binary heap, so a word of n symbols costs O(n log n) whatever its shape; a merged pair only enqueues its two
 * new neighbours, and stale heap entries are recognized and skipped when popped, exactly as llama.cpp does.
 * <p>
 * The caller passes one symbol per unit (byte or code point) in {@code sym} with {@code len} all 1; afterwards a
 * surviving symbol at index {@code i} covers units {@code [i, i + len[i])} and holds its merged id in {@code sym[i]},
 * so the result is read by stepping {@code i += len[i]} from 0.
 */
final class PairMerger {
    private final MergeRules rules;
    private final int[] sym;
    private final int[] len;
    private final int[] prev;
    private final int[] next;

    // binary heap of candidate pairs, as parallel arrays
    private float[] priority;
    private int[] left;
    private int[] right;
    private int[] size;
    private int[] rule;
    private int heapSize;
    private int pushes;

    private PairMerger(MergeRules rules, int[] sym, int[] len, int n) {
        this.rules = rules;
        this.sym = sym;
        this.len = len;
        this.prev = new int[n];
        this.next = new int[n];
        int capacity = Math.max(8, n);
        priority = new float[capacity];
        left = new int[capacity];
        right = new int[capacity];
        size = new int[capacity];
        rule = new int[capacity];
    }

    /**
     * Merges {@code sym[0..n)} in place.
     *
     * @return the number of pairs that entered the queue (at most 3n): the algorithm's work, for complexity tests
     */
    static int merge(MergeRules rules, int[] sym, int[] len, int n) {
        if (n < 2) {
            return 0;
        }
        PairMerger m = new PairMerger(rules, sym, len, n);
        m.run(n);
        return m.pushes;
    }

    private void run(int n) {
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        for (int i = 1; i < n; i++) {
            offer(i - 1, i);
        }
        while (heapSize > 0) {
            int l = left[0];
            int r = right[0];
            int s = size[0];
            int merged = rules.results()[rule[0]];
            pop();
            if (len[l] == 0 || len[r] == 0 || len[l] + len[r] != s) {
                continue; // one side changed since this pair was queued
            }
            sym[l] = merged;
            len[l] += len[r];
            len[r] = 0;
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            offer(prev[l], l);
            offer(l, next[l]);
        }
    }

    private void offer(int l, int r) {
        if (l < 0 || r < 0) {
            return;
        }
        int found = rules.pairs().get(sym[l], sym[r]);
        if (found == IntPairMap.ABSENT) {
            return;
        }
        if (heapSize == priority.length) {
            int capacity = heapSize * 2;
            priority = Arrays.copyOf(priority, capacity);
            left = Arrays.copyOf(left, capacity);
            right = Arrays.copyOf(right, capacity);
            size = Arrays.copyOf(size, capacity);
            rule = Arrays.copyOf(rule, capacity);
        }
        pushes++;
        int i = heapSize++;
        float p = rules.priorities()[found];
        int s = len[l] + len[r];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(p, l, priority[parent], left[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, p, l, r, s, found);
    }

    private void pop() {
        int last = --heapSize;
        if (last == 0) {
            return;
        }
        float p = priority[last];
        int l = left[last];
        int r = right[last];
        int s = size[last];
        int f = rule[last];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= last) {
                break;
            }
            if (child + 1 < last && before(priority[child + 1], left[child + 1], priority[child], left[child])) {
                child++;
            }
            if (!before(priority[child], left[child], p, l)) {
                break;
            }
            move(child, i);
            i = child;
        }
        set(i, p, l, r, s, f);
    }

    /** Heap order: higher priority first, then the leftmost pair (llama.cpp's tie-break). */
    private static boolean before(float p1, int l1, float p2, int l2) {
        return p1 > p2 || (p1 == p2 && l1 < l2);
    }

    private void move(int from, int to) {
        set(to, priority[from], left[from], right[from], size[from], rule[from]);
    }

    private void set(int i, float p, int l, int r, int s, int f) {
        priority[i] = p;
        left[i] = l;
        right[i] = r;
        size[i] = s;
        rule[i] = f;
    }
}
