package dev.baton.engine.sampling;

/**
 * Candidates packed into one {@code long} each so that ascending numeric order is rank order: higher logit first,
 * and among equal logits the lower token id first. The high 32 bits hold the negated logit in an order-preserving
 * integer form, the low 32 bits the id. Sorting and selecting primitive longs needs no boxing, no comparator and no
 * allocation, which keeps the sampler's hot path allocation-free.
 */
final class RankedKeys {
    private RankedKeys() {
    }

    static long of(float logit, int id) {
        // 0f - logit maps -0.0 and +0.0 to the same key, so equal logits tie on id alone
        int bits = Float.floatToRawIntBits(0f - logit);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) ordered << 32) | (id & 0xffffffffL);
    }

    static int id(long key) {
        return (int) key;
    }

    static float logit(long key) {
        int ordered = (int) (key >> 32);
        return -Float.intBitsToFloat(ordered ^ ((ordered >> 31) & 0x7fffffff));
    }

    /**
     * Writes the keys of the best {@code k} of {@code logits[base .. base+n)} to {@code out[0 .. k)}, best first.
     * A bounded max-heap keeps the current k best with the worst at the root, so each of the n logits costs one
     * float comparison unless it enters the heap: O(n + k log k) in the usual case instead of sorting all n.
     */
    static int selectBest(float[] logits, int base, int n, int k, long[] out) {
        int size = Math.min(k, n);
        for (int id = 0; id < size; id++) {
            out[id] = of(logits[base + id], id);
            siftUp(out, id);
        }
        float worst = logit(out[0]);
        for (int id = size; id < n; id++) {
            float l = logits[base + id];
            // a logit equal to the worst kept one loses the tie: its id is higher than every id in the heap
            if (l > worst) {
                out[0] = of(l, id);
                siftDown(out, 0, size);
                worst = logit(out[0]);
            }
        }
        sortHeap(out, size);
        return size;
    }

    /** Sorts {@code keys[0 .. n)} ascending (best first), in place: heapsort, no allocation. */
    static void sort(long[] keys, int n) {
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDown(keys, i, n);
        }
        sortHeap(keys, n);
    }

    /** Turns a max-heap of {@code n} keys into ascending order. */
    private static void sortHeap(long[] heap, int n) {
        for (int end = n - 1; end > 0; end--) {
            long top = heap[0];
            heap[0] = heap[end];
            heap[end] = top;
            siftDown(heap, 0, end);
        }
    }

    private static void siftUp(long[] heap, int i) {
        long key = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] >= key) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    private static void siftDown(long[] heap, int i, int n) {
        long key = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && heap[child + 1] > heap[child]) {
                child++;
            }
            if (heap[child] <= key) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = key;
    }
}
