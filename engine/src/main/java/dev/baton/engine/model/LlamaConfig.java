package dev.baton.engine.model;

import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufMetadata;
import dev.baton.engine.gguf.GgufTensorInfo;

import java.util.Optional;

/**
 * The hyperparameters of a Llama-family model, read from GGUF metadata alone (keys {@code llama.*}).
 *
 * @param dim           width of the residual stream ({@code embedding_length})
 * @param layers        number of transformer blocks
 * @param heads         query heads
 * @param kvHeads       key/value heads (grouped-query attention when fewer than {@code heads})
 * @param headDim       width of one head ({@code attention.key_length}, default {@code dim / heads})
 * @param ffnDim        hidden width of the SwiGLU feed-forward
 * @param vocabSize     rows of the token embedding
 * @param contextLength the context the model was trained for (the default KV-cache bound)
 * @param rmsEps        RMSNorm epsilon
 * @param ropeBase      RoPE frequency base ({@code rope.freq_base}, default 10000)
 * @param ropeDim       leading dimensions of each head that RoPE rotates ({@code rope.dimension_count}, default
 *                      {@code headDim})
 * @param ropeScale     linear RoPE scaling: positions are divided by this (1 when the model has none)
 */
public record LlamaConfig(int dim, int layers, int heads, int kvHeads, int headDim, int ffnDim, int vocabSize,
                          int contextLength, float rmsEps, float ropeBase, int ropeDim, float ropeScale) {

    public static final String ARCHITECTURE = "llama";

    public LlamaConfig {
        requirePositive("embedding_length", dim);
        requirePositive("block_count", layers);
        requirePositive("attention.head_count", heads);
        requirePositive("attention.head_count_kv", kvHeads);
        requirePositive("key_length", headDim);
        requirePositive("feed_forward_length", ffnDim);
        requirePositive("vocab_size", vocabSize);
        requirePositive("context_length", contextLength);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("attention.head_count " + heads
                    + " is not a multiple of attention.head_count_kv " + kvHeads);
        }
        if (ropeDim <= 0 || ropeDim > headDim || ropeDim % 2 != 0) {
            throw new IllegalArgumentException("rope.dimension_count " + ropeDim
                    + " must be even and within the head width " + headDim);
        }
        if (!(rmsEps > 0) || !(ropeBase > 0) || !(ropeScale > 0)) {
            throw new IllegalArgumentException("layer_norm_rms_epsilon, rope.freq_base and rope scaling must be"
                    + " positive (got " + rmsEps + ", " + ropeBase + ", " + ropeScale + ")");
        }
    }

    /** Width of all query heads together (the rows of {@code attn_q}). */
    public int qDim() {
        return heads * headDim;
    }

    /** Width of all key (or value) heads together (the rows of {@code attn_k}). */
    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Query heads sharing one key/value head. */
    public int groupSize() {
        return heads / kvHeads;
    }

    /**
     * Reads the configuration of a GGUF model. The vocabulary size comes from the token embedding's shape, or,
     * in files without it, from {@code llama.vocab_size} or the tokenizer's token list.
     *
     * @throws UnsupportedModelException when the architecture is not {@code llama} or uses features Baton lacks
     */
    public static LlamaConfig from(GgufFile file) {
        GgufMetadata md = file.metadata();
        Optional<GgufTensorInfo> embedding = file.tensor(RangeWeights.TOKEN_EMBEDDING);
        return from(md, embedding.map(GgufTensorInfo::rows));
    }

    static LlamaConfig from(GgufMetadata md, Optional<Integer> embeddingRows) {
        String arch = md.optString("general.architecture").orElseThrow(() -> new UnsupportedModelException(
                "the file has no general.architecture key; Baton runs the llama architecture"));
        if (!ARCHITECTURE.equals(arch)) {
            throw new UnsupportedModelException("unsupported architecture '" + arch
                    + "': Baton runs the llama architecture only");
        }
        if (md.optLong("llama.expert_count").orElse(0) > 0) {
            throw new UnsupportedModelException("llama.expert_count = " + md.getLong("llama.expert_count")
                    + ": mixture-of-experts models are not supported");
        }
        int dim = intKey(md, "llama.embedding_length");
        int heads = intKey(md, "llama.attention.head_count");
        int kvHeads = md.has("llama.attention.head_count_kv") ? intKey(md, "llama.attention.head_count_kv") : heads;
        int headDim = heads > 0 && md.has("llama.attention.key_length")
                ? intKey(md, "llama.attention.key_length") : heads > 0 ? dim / heads : 0;
        if (md.has("llama.attention.value_length") && intKey(md, "llama.attention.value_length") != headDim) {
            throw new UnsupportedModelException("llama.attention.value_length " + md.getLong(
                    "llama.attention.value_length") + " differs from the key length " + headDim
                    + ": not supported");
        }
        int ropeDim = md.has("llama.rope.dimension_count") ? intKey(md, "llama.rope.dimension_count") : headDim;
        float ropeScale = ropeScale(md);
        int vocab = embeddingRows.orElseGet(() -> md.has("llama.vocab_size") ? intKey(md, "llama.vocab_size")
                : md.has("tokenizer.ggml.tokens") ? md.getStringArray("tokenizer.ggml.tokens").length : 0);
        try {
            return new LlamaConfig(dim, intKey(md, "llama.block_count"), heads, kvHeads, headDim,
                    intKey(md, "llama.feed_forward_length"), vocab, intKey(md, "llama.context_length"),
                    md.getFloat("llama.attention.layer_norm_rms_epsilon"),
                    md.optFloat("llama.rope.freq_base").orElse(10000f), ropeDim, ropeScale);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedModelException("invalid llama hyperparameters: " + e.getMessage());
        }
    }

    private static float ropeScale(GgufMetadata md) {
        String type = md.optString("llama.rope.scaling.type").orElse("none");
        switch (type) {
            case "none":
                return 1f;
            case "linear":
                float factor = md.optFloat("llama.rope.scaling.factor").orElse(1f);
                return factor > 0 ? factor : 1f;
            default:
                throw new UnsupportedModelException("llama.rope.scaling.type '" + type
                        + "' is not supported (only none and linear)");
        }
    }

    private static int intKey(GgufMetadata md, String key) {
        long value = md.getLong(key);
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new UnsupportedModelException(key + " = " + value + " is out of range");
        }
        return (int) value;
    }

    private static void requirePositive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }
}
