package dev.baton.engine.model;

import dev.baton.engine.tensor.GgmlType;
import dev.baton.engine.tensor.WeightFormat;
import dev.baton.engine.tensor.WeightFormats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Keys and values of every sequence a stage is running, for the blocks of its layer range.
 *
 * <p>Memory comes in pages of {@code pageTokens} positions (all layers of the range, K and V), taken from a budget of
 * {@code maxBytes} as a sequence grows and returned when it is released, so short sequences cost little and the
 * budget says exactly how many positions fit. Pages are native memory, allocated on first use and reused after.
 * Inside a page the layout is {@code [K|V][layer][kvHead][position][headDim]}, so the positions of one head are
 * contiguous and a head's history converts to F32 in one call per page.
 *
 * <p>Not thread-safe for {@link #prepare}/{@link #release}; {@link #store} and {@link #load} may run concurrently on
 * distinct (sequence, head) pairs.
 */
public final class KvCache implements AutoCloseable {
    private static final int NO_SLOT = -1;

    private final WeightFormat format;
    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private final int maxContext;
    private final int pageTokens;
    private final long rowBytes;
    private final long pageBytes;
    private final int totalPages;
    private final int maxPagesPerSequence;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment[] pages;
    private final int[] freePageStack;
    private int freePageCount;
    private int allocatedPages;

    private final SlotTable slotsById = new SlotTable();
    private int[] slotLengths = new int[8];
    private int[] slotPageCounts = new int[8];
    private int[][] slotPages = new int[8][];
    private int[] freeSlots = new int[8];
    private int freeSlotCount;
    private int slotCount;

    public KvCache(LlamaConfig config, LayerRange range, KvCacheConfig kv) {
        this.format = WeightFormats.of(kv.type());
        this.layers = range.size();
        this.kvHeads = config.kvHeads();
        this.headDim = config.headDim();
        if (headDim % kv.type().blockSize() != 0) {
            throw new IllegalArgumentException("KV cache type " + kv.type() + " needs a head width that is a"
                    + " multiple of " + kv.type().blockSize() + ", got " + headDim);
        }
        this.maxContext = kv.maxContext();
        this.pageTokens = kv.pageTokens();
        this.rowBytes = kv.type().byteSize(headDim);
        this.pageBytes = pageBytes(config, range, kv.type(), pageTokens);
        long pages = kv.maxBytes() / pageBytes;
        if (pages < 1) {
            throw new IllegalArgumentException("KV cache budget of " + kv.maxBytes() + " bytes is smaller than one"
                    + " page (" + pageBytes + " bytes)");
        }
        this.totalPages = (int) Math.min(pages, Integer.MAX_VALUE - 8);
        this.pages = new MemorySegment[totalPages];
        this.freePageStack = new int[totalPages];
        this.maxPagesPerSequence = pagesFor(maxContext);
    }

    /** Bytes of one page: {@code pageTokens} positions of K and V for every layer of the range. */
    static long pageBytes(LlamaConfig config, LayerRange range, GgmlType type, int pageTokens) {
        return 2L * range.size() * config.kvHeads() * pageTokens * type.byteSize(config.headDim());
    }

    public GgmlType type() {
        return format.type();
    }

    public int maxContext() {
        return maxContext;
    }

    public int pageTokens() {
        return pageTokens;
    }

    public long pageBytes() {
        return pageBytes;
    }

    /** Bytes one position of one sequence takes in this range (K and V, all layers). */
    public long bytesPerToken() {
        return pageBytes / pageTokens;
    }

    public int totalPages() {
        return totalPages;
    }

    public int freePages() {
        return totalPages - usedPages();
    }

    public int usedPages() {
        return allocatedPages - freePageCount;
    }

    /** Bytes held by sequences now. */
    public long usedBytes() {
        return (long) usedPages() * pageBytes;
    }

    /** The budget: bytes all pages together may take. */
    public long capacityBytes() {
        return (long) totalPages * pageBytes;
    }

    /** Pages a sequence of {@code positions} positions occupies. */
    public int pagesFor(int positions) {
        return (int) (((long) positions + pageTokens - 1) / pageTokens);
    }

    /** How many more sequences of {@code positions} positions each fit in the free pages. */
    public int sequencesThatFit(int positions) {
        return positions <= 0 ? Integer.MAX_VALUE : freePages() / pagesFor(Math.min(positions, maxContext));
    }

    /** Pages the cache would have to add for {@code sequenceId} to hold {@code positions} positions. */
    public int additionalPagesFor(long sequenceId, int positions) {
        int slot = slotsById.get(sequenceId);
        int held = slot == NO_SLOT ? 0 : slotPageCounts[slot];
        return Math.max(0, pagesFor(positions) - held);
    }

    public boolean contains(long sequenceId) {
        return slotsById.get(sequenceId) != NO_SLOT;
    }

    /** Positions cached for {@code sequenceId} (0 when unknown). */
    public int length(long sequenceId) {
        int slot = slotsById.get(sequenceId);
        return slot == NO_SLOT ? 0 : slotLengths[slot];
    }

    /** Sequences holding memory. */
    public int sequenceCount() {
        return slotsById.size();
    }

    /**
     * Makes room for positions {@code [start, start + count)} of {@code sequenceId}, which then holds
     * {@code start + count} positions (a start before the current length rewinds: later positions are dropped and
     * overwritten). A new sequence starts at position 0.
     *
     * @return the slot to pass to {@link #store} and {@link #load}, valid until the sequence is released
     * @throws ContextLengthExceededException when the sequence would pass the maximum context
     * @throws KvCacheFullException           when the budget has no room (nothing is changed)
     */
    public int prepare(long sequenceId, int start, int count) {
        int slot = slotsById.get(sequenceId);
        int length = slot == NO_SLOT ? 0 : slotLengths[slot];
        if (start < 0 || count < 0 || start > length) {
            throw new IllegalArgumentException("sequence " + sequenceId + " cannot continue at position " + start
                    + ": it holds " + length + " positions");
        }
        int end = start + count;
        if (end > maxContext) {
            throw new ContextLengthExceededException("sequence " + sequenceId + " would reach " + end
                    + " positions, beyond the maximum context of " + maxContext);
        }
        int held = slot == NO_SLOT ? 0 : slotPageCounts[slot];
        int needed = pagesFor(end) - held;
        if (needed > freePages()) {
            throw new KvCacheFullException("KV cache full: sequence " + sequenceId + " needs " + needed
                    + " more pages of " + pageBytes + " bytes, " + freePages() + " of " + totalPages + " free");
        }
        if (slot == NO_SLOT) {
            slot = openSlot(sequenceId);
        }
        for (int i = 0; i < needed; i++) {
            slotPages[slot][slotPageCounts[slot]++] = takePage();
        }
        slotLengths[slot] = end;
        return slot;
    }

    /**
     * {@link #prepare(long, int, int) Prepares} every segment of a step, all or nothing: when any segment fails its
     * checks, no sequence changes. Slots land in {@code slots[segment]}.
     */
    public void prepare(StepBatch batch, int[] slots) {
        int needed = 0;
        for (int s = 0; s < batch.segments(); s++) {
            long id = batch.sequenceId(s);
            int start = batch.startPosition(s);
            int end = start + batch.tokenCount(s);
            if (start > length(id)) {
                throw new IllegalArgumentException("sequence " + id + " cannot continue at position " + start
                        + ": it holds " + length(id) + " positions");
            }
            if (end > maxContext) {
                throw new ContextLengthExceededException("sequence " + id + " would reach " + end
                        + " positions, beyond the maximum context of " + maxContext);
            }
            needed += additionalPagesFor(id, end);
        }
        if (needed > freePages()) {
            throw new KvCacheFullException("KV cache full: the step needs " + needed + " more pages of " + pageBytes
                    + " bytes, " + freePages() + " of " + totalPages + " are free");
        }
        for (int s = 0; s < batch.segments(); s++) {
            slots[s] = prepare(batch.sequenceId(s), batch.startPosition(s), batch.tokenCount(s));
        }
    }

    /** Frees the memory of {@code sequenceId}; unknown ids are ignored (release is idempotent). */
    public void release(long sequenceId) {
        int slot = slotsById.remove(sequenceId);
        if (slot == NO_SLOT) {
            return;
        }
        for (int i = 0; i < slotPageCounts[slot]; i++) {
            freePageStack[freePageCount++] = slotPages[slot][i];
        }
        slotPageCounts[slot] = 0;
        slotLengths[slot] = 0;
        freeSlots[freeSlotCount++] = slot;
    }

    /** Frees every sequence. */
    public void clear() {
        while (slotsById.size() > 0) {
            release(slotsById.anyKey());
        }
    }

    /** Stores the key and value rows ({@code kvDim} floats each) of one position of one layer of the range. */
    public void store(int slot, int layer, int position, float[] k, int kOffset, float[] v, int vOffset) {
        for (int g = 0; g < kvHeads; g++) {
            storeHead(slot, layer, g, position, k, kOffset + g * headDim, v, vOffset + g * headDim);
        }
    }

    /** Stores one key/value head's key and value ({@code headDim} floats each) of one position of one layer. */
    public void storeHead(int slot, int layer, int kvHead, int position, float[] k, int kOffset, float[] v,
                          int vOffset) {
        MemorySegment page = pages[slotPages[slot][position / pageTokens]];
        int t = position % pageTokens;
        format.quantize(k, kOffset, page, offset(0, layer, kvHead, t), headDim);
        format.quantize(v, vOffset, page, offset(1, layer, kvHead, t), headDim);
    }

    /**
     * Converts positions {@code [0, length)} of key/value head {@code kvHead} of one layer to F32: position
     * {@code t} lands at {@code keys[t * headDim]} and {@code values[t * headDim]}.
     */
    public void load(int slot, int layer, int kvHead, int length, float[] keys, float[] values) {
        int[] table = slotPages[slot];
        for (int p = 0, first = 0; first < length; p++, first += pageTokens) {
            MemorySegment page = pages[table[p]];
            int n = Math.min(pageTokens, length - first) * headDim;
            format.dequantize(page, offset(0, layer, kvHead, 0), keys, first * headDim, n);
            format.dequantize(page, offset(1, layer, kvHead, 0), values, first * headDim, n);
        }
    }

    private long offset(int kind, int layer, int kvHead, int t) {
        return ((((long) kind * layers + layer) * kvHeads + kvHead) * pageTokens + t) * rowBytes;
    }

    private int takePage() {
        if (freePageCount > 0) {
            return freePageStack[--freePageCount];
        }
        int page = allocatedPages++;
        pages[page] = arena.allocate(pageBytes, 64);
        return page;
    }

    private int openSlot(long sequenceId) {
        int slot;
        if (freeSlotCount > 0) {
            slot = freeSlots[--freeSlotCount];
        } else {
            slot = slotCount++;
            if (slot == slotLengths.length) {
                int n = slot * 2;
                slotLengths = Arrays.copyOf(slotLengths, n);
                slotPageCounts = Arrays.copyOf(slotPageCounts, n);
                slotPages = Arrays.copyOf(slotPages, n);
                freeSlots = Arrays.copyOf(freeSlots, n);
            }
            slotPages[slot] = new int[maxPagesPerSequence];
        }
        slotsById.put(sequenceId, slot);
        return slot;
    }

    /** Frees all pages; the cache is unusable afterwards. */
    @Override
    public void close() {
        arena.close();
    }

    /**
     * Sequence id to slot, open addressing on primitive keys: a step looks every segment up, and boxing the ids
     * would allocate per token.
     */
    private static final class SlotTable {
        private long[] keys = new long[16];
        private int[] values = new int[16];
        private boolean[] used = new boolean[16];
        private int size;

        int size() {
            return size;
        }

        int get(long key) {
            int mask = keys.length - 1;
            for (int i = hash(key) & mask; used[i]; i = (i + 1) & mask) {
                if (keys[i] == key) {
                    return values[i];
                }
            }
            return NO_SLOT;
        }

        long anyKey() {
            for (int i = 0; i < keys.length; i++) {
                if (used[i]) {
                    return keys[i];
                }
            }
            throw new IllegalStateException("empty");
        }

        void put(long key, int value) {
            if ((size + 1) * 2 > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int i = hash(key) & mask;
            while (used[i] && keys[i] != key) {
                i = (i + 1) & mask;
            }
            if (!used[i]) {
                size++;
            }
            used[i] = true;
            keys[i] = key;
            values[i] = value;
        }

        /** Removes {@code key}, shifting later entries of its probe run back so lookups stay correct. */
        int remove(long key) {
            int mask = keys.length - 1;
            int i = hash(key) & mask;
            while (used[i] && keys[i] != key) {
                i = (i + 1) & mask;
            }
            if (!used[i]) {
                return NO_SLOT;
            }
            int removed = values[i];
            used[i] = false;
            size--;
            for (int j = (i + 1) & mask; used[j]; j = (j + 1) & mask) {
                int home = hash(keys[j]) & mask;
                // the entry at j may move into the hole at i unless its home lies cyclically in (i, j]
                boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
                if (!stays) {
                    keys[i] = keys[j];
                    values[i] = values[j];
                    used[i] = true;
                    used[j] = false;
                    i = j;
                }
            }
            return removed;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldValues = values;
            boolean[] oldUsed = used;
            keys = new long[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            used = new boolean[oldKeys.length * 2];
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldUsed[i]) {
                    put(oldKeys[i], oldValues[i]);
                }
            }
        }

        private static int hash(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }
    }
}
