package dev.baton.engine.model;

import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A model split into consecutive layer ranges, all run in this process: what a pipeline of worker stages computes,
 * without the network. Between ranges the activations are encoded to bytes and decoded again exactly as a stage
 * sends them, so {@code split = K} here exercises the same path as K workers. With one range nothing is encoded.
 */
public final class LocalPipeline implements AutoCloseable {
    private final List<LlamaStage> stages;
    private final ActivationEncoding encoding;
    private final List<Activations> hidden;
    private final StepBatch laterBatch;
    private final MemorySegment wire;

    /**
     * @param split        number of layer ranges (1 = the whole model in one range)
     * @param encoding     how activations cross from one range to the next
     * @param kvType       KV cache storage type
     * @param maxContext   positions per sequence
     * @param maxSequences sequences the KV caches hold at once, each up to {@code maxContext}
     * @param capacity     the largest step
     */
    public record Options(int split, ActivationEncoding encoding, GgmlType kvType, int maxContext, int maxSequences,
                          StepCapacity capacity) {
    }

    public LocalPipeline(List<LlamaStage> stages, ActivationEncoding encoding) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a pipeline needs at least one stage");
        }
        for (int i = 1; i < stages.size(); i++) {
            if (stages.get(i).range().from() != stages.get(i - 1).range().to()) {
                throw new IllegalArgumentException("stage ranges " + stages.get(i - 1).range() + " and "
                        + stages.get(i).range() + " are not adjacent");
            }
        }
        if (!stages.getFirst().range().isFirst() || !stages.getLast().range().isLast(stages.getLast().config())) {
            throw new IllegalArgumentException("a pipeline must cover the model from its first to its last layer");
        }
        this.stages = List.copyOf(stages);
        this.encoding = encoding;
        this.hidden = stages.stream().map(LlamaStage::newActivations).toList();
        StepCapacity capacity = stages.getFirst().capacity();
        this.laterBatch = capacity.newBatch();
        LlamaConfig config = stages.getFirst().config();
        this.wire = stages.size() > 1
                ? MemorySegment.ofArray(new byte[capacity.maxTokens() * config.dim() * encoding.bytesPerValue()])
                : null;
    }

    /** Loads {@code options.split()} ranges of the model in {@code file}, sharing {@code pool}. */
    public static LocalPipeline load(GgufFile file, Options options, ComputePool pool) {
        LlamaConfig config = LlamaConfig.from(file);
        List<LlamaStage> stages = new ArrayList<>();
        try {
            for (LayerRange range : LayerRange.split(config.layers(), options.split())) {
                KvCacheConfig kv = KvCacheConfig.forSequences(config, range, options.kvType(), options.maxContext(),
                        options.maxSequences());
                stages.add(new LlamaStage(RangeWeights.load(file, config, range), kv, options.capacity(), pool));
            }
        } catch (RuntimeException e) {
            stages.forEach(LlamaStage::close);
            throw e;
        }
        return new LocalPipeline(stages, options.encoding());
    }

    public LlamaConfig config() {
        return stages.getFirst().config();
    }

    public List<LlamaStage> stages() {
        return stages;
    }

    public StepCapacity capacity() {
        return stages.getFirst().capacity();
    }

    /** Runs one step through every range and returns the last range's logits. */
    public Logits step(StepBatch batch) {
        stages.getFirst().forward(batch, hidden.getFirst());
        if (stages.size() > 1) {
            laterBatch.copyGeometry(batch);
        }
        for (int i = 1; i < stages.size(); i++) {
            Activations from = hidden.get(i - 1);
            from.encode(encoding, wire, 0);
            hidden.get(i).decode(encoding, wire, 0, from.rows());
            stages.get(i).forward(laterBatch, hidden.get(i));
        }
        return stages.getLast().logits();
    }

    /** Frees a sequence's KV cache in every range. */
    public void release(long sequenceId) {
        for (LlamaStage stage : stages) {
            stage.release(sequenceId);
        }
    }

    /** Weight bytes one token reads across all ranges. */
    public long bytesReadPerToken() {
        return stages.stream().mapToLong(s -> s.weights().bytesReadPerToken()).sum();
    }

    /** How many more sequences of {@code positions} positions fit in every range's KV cache. */
    public int sequencesThatFit(int positions) {
        return stages.stream().mapToInt(s -> s.cache().sequencesThatFit(positions)).min().orElseThrow();
    }

    @Override
    public void close() {
        stages.forEach(LlamaStage::close);
    }
}
