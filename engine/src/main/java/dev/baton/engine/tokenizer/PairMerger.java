package dev.baton.engine.tokenizer;

import java.util.Arrays;

/**
 * Greedy pair merging, the core of both SentencePiece-BPE and byte-level BPE: repeatedly merge the adjacent pair with
 * the highest priority (ties: the leftmost), until no rule applies. Symbols form a linked list and candidate pairs sit
 * in a binary heap, so a word of n symbols costs O(n log n) whatever its shape; a merged pair only enqueues its two
 * new neighbours, and stale heap entries are recognized and skipped when popped, as llama.cpp does.
 * <p>
 * A heap entry is one long, the rule's order above the pair's left position, so that comparing two entries is one
 * comparison and a long word's heap is one array walked by few cache lines. An entry is stale when the pair now at
 * its position no longer has its order; an entry whose position holds a different pair of the same order stands for
 * that pair, which was queued with the identical key, so merging it then is what llama.cpp does.
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
    private long[] heap;
    private int heapSize;
    private int pushes;

    private PairMerger(MergeRules rules, int[] sym, int[] len, int n) {
        this.rules = rules;
        this.sym = sym;
        this.len = len;
        this.prev = new int[n];
        this.next = new int[n];
        this.heap = new long[Math.max(8, n)];
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
            long top = heap[0];
            pop();
            int l = (int) top;
            int r = next[l];
            if (len[l] == 0 || r < 0) {
                continue; // merged into its left neighbour, or now last
            }
            int rule = rules.pairs().get(sym[l], sym[r]);
            if (rule == IntPairMap.ABSENT || rules.order()[rule] != (int) (top >>> 32)) {
                continue; // a side changed since this pair was queued
            }
            sym[l] = rules.results()[rule];
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
        int rule = rules.pairs().get(sym[l], sym[r]);
        if (rule == IntPairMap.ABSENT) {
            return;
        }
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, heapSize * 2);
        }
        pushes++;
        long key = (long) rules.order()[rule] << 32 | l;
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= key) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    private void pop() {
        int last = --heapSize;
        if (last == 0) {
            return;
        }
        long key = heap[last];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= last) {
                break;
            }
            if (child + 1 < last && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= key) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = key;
    }
}
