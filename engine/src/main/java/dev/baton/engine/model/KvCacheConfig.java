package dev.baton.engine.model;

import dev.baton.engine.tensor.GgmlType;

/**
 * How a stage keeps keys and values.
 *
 * @param type       storage type of K and V (F16 by default, as llama.cpp; F32 or BF16 selectable); attention
 *                   arithmetic is F32 whatever the storage
 * @param maxContext positions one sequence may hold (prompt + generated)
 * @param pageTokens positions per page: the cache grows a sequence one page at a time
 * @param maxBytes   the memory budget of the whole cache, all sequences together
 */
public record KvCacheConfig(GgmlType type, int maxContext, int pageTokens, long maxBytes) {

    public static final int DEFAULT_PAGE_TOKENS = 64;

    public KvCacheConfig {
        if (type == null) {
            throw new IllegalArgumentException("KV cache type is required");
        }
        if (maxContext <= 0 || pageTokens <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("KV cache max context, page size and budget must be positive (got "
                    + maxContext + ", " + pageTokens + ", " + maxBytes + ")");
        }
    }

    /** F16 storage, default pages, and a budget that holds {@code sequences} sequences of {@code maxContext}. */
    public static KvCacheConfig forSequences(LlamaConfig config, LayerRange range, int maxContext, int sequences) {
        return forSequences(config, range, GgmlType.F16, maxContext, sequences);
    }

    public static KvCacheConfig forSequences(LlamaConfig config, LayerRange range, GgmlType type, int maxContext,
                                             int sequences) {
        int pageTokens = Math.min(DEFAULT_PAGE_TOKENS, maxContext);
        long pagesPerSequence = (maxContext + pageTokens - 1) / pageTokens;
        long pageBytes = KvCache.pageBytes(config, range, type, pageTokens);
        return new KvCacheConfig(type, maxContext, pageTokens, pageBytes * pagesPerSequence * sequences);
    }

    /**
     * Default pages and a budget of {@code positions} positions over all sequences together (rounded up to whole
     * pages): what a pipeline stage sizes its cache by, so that every stage of a pipeline holds the same positions
     * whatever its share of the layers.
     */
    public static KvCacheConfig forPositions(LlamaConfig config, LayerRange range, GgmlType type, int maxContext,
                                             long positions) {
        int pageTokens = Math.min(DEFAULT_PAGE_TOKENS, maxContext);
        long pages = (positions + pageTokens - 1) / pageTokens;
        long pageBytes = KvCache.pageBytes(config, range, type, pageTokens);
        return new KvCacheConfig(type, maxContext, pageTokens, pageBytes * pages);
    }
}
