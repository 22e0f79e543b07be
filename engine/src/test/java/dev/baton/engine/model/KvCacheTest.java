package dev.baton.engine.model;

import dev.baton.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The KV cache grows by pages within its budget, refuses what does not fit, and frees on release. */
class KvCacheTest {
    // 2 layers, 2 KV heads of width 4: one position of K and V takes 2 · 2 · 2 · 4 values
    static final LlamaConfig CONFIG = new LlamaConfig(16, 2, 4, 2, 4, 32, 10, 256, 1e-5f, 10000f, 4, 1f);
    static final LayerRange RANGE = LayerRange.all(CONFIG);

    static KvCache cache(GgmlType type, int maxContext, int pageTokens, int pages) {
        long pageBytes = KvCache.pageBytes(CONFIG, RANGE, type, pageTokens);
        return new KvCache(CONFIG, RANGE, new KvCacheConfig(type, maxContext, pageTokens, pages * pageBytes));
    }

    @Test
    void growsOnePageAtATimeAndAccountsBytes() {
        try (KvCache cache = cache(GgmlType.F16, 100, 8, 10)) {
            assertEquals(2L * 2 * 2 * 4 * 2, cache.bytesPerToken());
            assertEquals(8 * cache.bytesPerToken(), cache.pageBytes());
            assertEquals(10, cache.freePages());
            cache.prepare(7, 0, 1);
            assertEquals(1, cache.usedPages());
            cache.prepare(7, 1, 7);
            assertEquals(1, cache.usedPages());
            cache.prepare(7, 8, 1);
            assertEquals(2, cache.usedPages());
            assertEquals(9, cache.length(7));
            assertEquals(2 * cache.pageBytes(), cache.usedBytes());
            assertEquals(8, cache.freePages());
            assertEquals(2, cache.sequencesThatFit(30), "30 positions take 4 pages; 8 are free");
        }
    }

    @Test
    void releaseReturnsEveryPage() {
        try (KvCache cache = cache(GgmlType.F16, 100, 8, 10)) {
            cache.prepare(1, 0, 20);
            cache.prepare(2, 0, 5);
            assertEquals(4, cache.usedPages());
            cache.release(1);
            assertEquals(1, cache.usedPages());
            assertFalse(cache.contains(1));
            cache.release(1);
            cache.release(2);
            assertEquals(0, cache.usedPages());
            assertEquals(10, cache.freePages());
            assertEquals(0, cache.sequenceCount());
        }
    }

    @Test
    void refusesPastTheBudgetWithoutChangingAnything() {
        try (KvCache cache = cache(GgmlType.F16, 100, 8, 3)) {
            cache.prepare(1, 0, 16);
            StepBatch batch = new StepBatch(2, 32).add(1, 16, 1, true).add(2, 0, 9, true);
            assertThrows(KvCacheFullException.class, () -> cache.prepare(batch, new int[2]));
            assertEquals(16, cache.length(1), "the sequence that fit was not advanced");
            assertFalse(cache.contains(2));
            assertEquals(2, cache.usedPages());
            assertThrows(KvCacheFullException.class, () -> cache.prepare(3, 0, 9));
            cache.prepare(3, 0, 8);
            assertEquals(0, cache.freePages());
        }
    }

    @Test
    void boundsEachSequenceByMaxContext() {
        try (KvCache cache = cache(GgmlType.F16, 20, 8, 10)) {
            cache.prepare(1, 0, 20);
            ContextLengthExceededException e = assertThrows(ContextLengthExceededException.class,
                    () -> cache.prepare(1, 20, 1));
            assertTrue(e.getMessage().contains("maximum context of 20"), e.getMessage());
        }
    }

    @Test
    void continuesOnlyWhereTheSequenceIsAndMayRewind() {
        try (KvCache cache = cache(GgmlType.F16, 100, 8, 10)) {
            cache.prepare(1, 0, 12);
            assertThrows(IllegalArgumentException.class, () -> cache.prepare(1, 13, 1));
            assertThrows(IllegalArgumentException.class, () -> cache.prepare(2, 1, 1));
            cache.prepare(1, 4, 1);
            assertEquals(5, cache.length(1));
        }
    }

    @Test
    void storesF32ExactlyAndF16Rounded() {
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16}) {
            try (KvCache cache = cache(type, 100, 8, 10)) {
                int kvDim = CONFIG.kvDim();
                int slot = cache.prepare(5, 0, 11);
                float[][] k = new float[11][kvDim];
                float[][] v = new float[11][kvDim];
                Random random = new Random(3);
                for (int t = 0; t < 11; t++) {
                    for (int i = 0; i < kvDim; i++) {
                        k[t][i] = (float) random.nextGaussian();
                        v[t][i] = (float) random.nextGaussian();
                    }
                    cache.store(slot, 1, t, k[t], 0, v[t], 0);
                }
                int headDim = CONFIG.headDim();
                float[] keys = new float[11 * headDim];
                float[] values = new float[11 * headDim];
                cache.load(slot, 1, 1, 11, keys, values);
                for (int t = 0; t < 11; t++) {
                    for (int i = 0; i < headDim; i++) {
                        float key = k[t][headDim + i];
                        float value = v[t][headDim + i];
                        float expectedKey = type == GgmlType.F32 ? key : Float.float16ToFloat(Float.floatToFloat16(key));
                        float expectedValue = type == GgmlType.F32 ? value
                                : Float.float16ToFloat(Float.floatToFloat16(value));
                        assertEquals(expectedKey, keys[t * headDim + i], type + " key " + t + "," + i);
                        assertEquals(expectedValue, values[t * headDim + i], type + " value " + t + "," + i);
                    }
                }
            }
        }
    }

    @Test
    void sequenceTableSurvivesManyOpensAndReleases() {
        try (KvCache cache = cache(GgmlType.F16, 16, 16, 200)) {
            Map<Long, Integer> model = new HashMap<>();
            Random random = new Random(11);
            for (int op = 0; op < 20_000; op++) {
                long id = random.nextInt(300) * 1_000_003L - 150_000_000L;
                if (random.nextBoolean() && model.size() < 200) {
                    int length = model.getOrDefault(id, 0);
                    if (length < 16) {
                        cache.prepare(id, length, 1);
                        model.put(id, length + 1);
                    }
                } else {
                    cache.release(id);
                    model.remove(id);
                }
                if (op % 97 == 0) {
                    for (Map.Entry<Long, Integer> e : model.entrySet()) {
                        assertEquals(e.getValue(), cache.length(e.getKey()));
                    }
                    assertEquals(model.size(), cache.sequenceCount());
                    assertEquals(model.size(), cache.usedPages());
                }
            }
            cache.clear();
            assertEquals(0, cache.usedPages());
            assertEquals(0, cache.sequenceCount());
        }
    }
}
