package dev.baton.engine.model;

import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.math.VectorMath;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.WeightMatrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Llama forward pass over one {@link LayerRange}: what a pipeline stage computes each step.
 *
 * <pre>
 *   x = embed(tokens)                        (first range)  or  the incoming activations
 *   for each block:
 *     h  = rmsnorm(x) · attn_norm
 *     q, k, v = h·Wq, h·Wk, h·Wv
 *     x += attention(rope(q), cache ← rope(k), v) · Wo
 *     h  = rmsnorm(x) · ffn_norm
 *     x += (silu(h·Wgate) ⊙ h·Wup) · Wdown
 *   logits = (rmsnorm(x) · output_norm) · Wout   (last range; last row of each segment only)
 * </pre>
 *
 * Every matrix product runs once per step over all rows of all segments ({@link WeightMatrix#multiply}: decode is a
 * matrix-vector product per sequence folded into one matrix-matrix product, prefill chunks likewise). Buffers are
 * sized once for the {@link StepCapacity}; a step allocates nothing. Not thread-safe: one step at a time.
 */
public final class LlamaStage implements AutoCloseable {
    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;

    private final LlamaConfig config;
    private final RangeWeights weights;
    private final KvCache cache;
    private final ComputePool pool;
    private final StepCapacity capacity;
    private final Rope rope;
    private final Attention attention;

    // per-step scratch, rows × width each
    private final float[] normed;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] attended;
    private final float[] projected;
    private final float[] gate;
    private final float[] up;
    /** One row of {@code e^-gate}, for SwiGLU. */
    private final float[] expNegGate;
    private final int[] rowPositions;
    private final int[] segmentSlots;
    private final float[] lastRows;
    private final Logits logits;

    public LlamaStage(RangeWeights weights, KvCacheConfig kvConfig, StepCapacity capacity, ComputePool pool) {
        this.config = weights.config();
        this.weights = weights;
        this.cache = new KvCache(config, weights.range(), kvConfig);
        this.pool = pool;
        this.capacity = capacity;
        int rows = capacity.maxTokens();
        this.rope = new Rope(config, weights.ropeFreqFactors(), rows);
        this.attention = new Attention(config, cache, rope, pool);
        this.normed = new float[rows * config.dim()];
        this.q = new float[rows * config.qDim()];
        this.k = new float[rows * config.kvDim()];
        this.v = new float[rows * config.kvDim()];
        this.attended = new float[rows * config.qDim()];
        this.projected = new float[rows * config.dim()];
        this.gate = new float[rows * config.ffnDim()];
        this.up = new float[rows * config.ffnDim()];
        this.expNegGate = new float[config.ffnDim()];
        this.rowPositions = new int[rows];
        this.segmentSlots = new int[capacity.maxSegments()];
        boolean last = weights.range().isLast(config);
        this.lastRows = last ? new float[capacity.maxSegments() * config.dim()] : null;
        this.logits = last ? new Logits(capacity.maxSegments(), config.vocabSize()) : null;
    }

    /** Maps the weights of {@code range} from {@code file} and sets up the stage. */
    public static LlamaStage load(GgufFile file, LayerRange range, KvCacheConfig kvConfig, StepCapacity capacity,
                                  ComputePool pool) {
        LlamaConfig config = LlamaConfig.from(file);
        return new LlamaStage(RangeWeights.load(file, config, range), kvConfig, capacity, pool);
    }

    public LlamaConfig config() {
        return config;
    }

    public LayerRange range() {
        return weights.range();
    }

    public RangeWeights weights() {
        return weights;
    }

    public KvCache cache() {
        return cache;
    }

    public StepCapacity capacity() {
        return capacity;
    }

    /** Activations sized for this stage's steps. */
    public Activations newActivations() {
        return new Activations(capacity.maxTokens(), config.dim());
    }

    /** Frees the cached keys and values of a finished or cancelled sequence. */
    public void release(long sequenceId) {
        cache.release(sequenceId);
    }

    /**
     * Runs one step. The first range reads the batch's token ids and overwrites {@code hidden}; later ranges take the
     * previous range's output in {@code hidden} ({@code batch.rows()} rows). Afterwards {@code hidden} holds this
     * range's output, and on the last range {@link #logits()} holds one row per segment.
     *
     * @throws KvCacheFullException           when the cache cannot hold the step (nothing was computed or cached)
     * @throws ContextLengthExceededException when a sequence would pass the maximum context
     */
    public void forward(StepBatch batch, Activations hidden) {
        int rows = batch.rows();
        checkStep(batch, hidden);
        cache.prepare(batch, segmentSlots);
        for (int s = 0; s < batch.segments(); s++) {
            for (int i = 0; i < batch.tokenCount(s); i++) {
                rowPositions[batch.firstRow(s) + i] = batch.startPosition(s) + i;
            }
        }
        rope.prepare(rowPositions, rows);

        float[] x = hidden.values();
        if (weights.range().isFirst()) {
            hidden.rows(rows);
            for (int r = 0; r < rows; r++) {
                weights.tokenEmbedding().dequantizeRow(batch.token(r), x, r * config.dim());
            }
        }

        int dim = config.dim();
        for (int l = 0; l < weights.layers().size(); l++) {
            LayerWeights w = weights.layers().get(l);

            // attention
            rmsNorm(normed, x, w.attnNorm(), rows);
            w.wq().multiply(normed, rows, q, pool);
            w.wk().multiply(normed, rows, k, pool);
            w.wv().multiply(normed, rows, v, pool);
            attention.compute(batch, segmentSlots, l, q, k, v, attended);
            w.wo().multiply(attended, rows, projected, pool);
            add(x, projected, rows * dim);

            // feed-forward
            rmsNorm(normed, x, w.ffnNorm(), rows);
            w.gate().multiply(normed, rows, gate, pool);
            w.up().multiply(normed, rows, up, pool);
            swiglu(rows);
            w.down().multiply(gate, rows, projected, pool);
            add(x, projected, rows * dim);
        }

        if (logits != null) {
            logits.reset();
            for (int s = 0; s < batch.segments(); s++) {
                if (batch.wantsLogits(s)) {
                    System.arraycopy(x, batch.lastRow(s) * dim, normed, logits.addRow(s) * dim, dim);
                }
            }
            if (logits.rows() > 0) {
                rmsNorm(lastRows, normed, weights.outputNorm(), logits.rows());
                weights.output().multiply(lastRows, logits.rows(), logits.values(), pool);
            }
        }
    }

    /** The last step's logits (last range only). */
    public Logits logits() {
        if (logits == null) {
            throw new IllegalStateException("layer range " + weights.range() + " does not produce logits");
        }
        return logits;
    }

    private void checkStep(StepBatch batch, Activations hidden) {
        if (batch.segments() == 0) {
            throw new IllegalArgumentException("empty step");
        }
        if (batch.rows() > capacity.maxTokens() || batch.segments() > capacity.maxSegments()) {
            throw new IllegalArgumentException("step of " + batch.segments() + " segments and " + batch.rows()
                    + " tokens exceeds the stage's capacity " + capacity);
        }
        if (hidden.dim() != config.dim() || hidden.maxRows() < batch.rows()) {
            throw new IllegalArgumentException("activations of " + hidden.maxRows() + " × " + hidden.dim()
                    + " cannot hold " + batch.rows() + " rows of width " + config.dim());
        }
        if (weights.range().isFirst()) {
            if (!batch.hasTokens()) {
                throw new IllegalArgumentException("the first layer range needs token ids in the step");
            }
            for (int r = 0; r < batch.rows(); r++) {
                int token = batch.token(r);
                if (token < 0 || token >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of "
                            + config.vocabSize());
                }
            }
        } else if (hidden.rows() != batch.rows()) {
            throw new IllegalArgumentException("activations carry " + hidden.rows() + " rows, the step has "
                    + batch.rows());
        }
    }

    /**
     * {@code out = x / rms(x) · weight} per row, as llama.cpp computes it: squares summed in double, the scale
     * {@code 1/sqrt(mean + eps)} in float, then {@code (x · scale) · weight}.
     */
    private void rmsNorm(float[] out, float[] x, float[] weight, int rows) {
        int dim = config.dim();
        for (int r = 0; r < rows; r++) {
            int base = r * dim;
            double sum = 0;
            for (int i = 0; i < dim; i++) {
                float xi = x[base + i];
                sum += xi * xi;
            }
            float mean = (float) (sum / dim);
            float scale = (float) (1.0 / Math.sqrt(mean + config.rmsEps()));
            for (int i = 0; i < dim; i++) {
                out[base + i] = (x[base + i] * scale) * weight[i];
            }
        }
    }

    /** {@code x += y} over the first {@code n} values. */
    private static void add(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            x[i] += y[i];
        }
    }

    /**
     * {@code gate = silu(gate) ⊙ up} with {@code silu(g) = g / (1 + e^-g)}, row by row so that a column always takes
     * the same (vector or scalar) path whatever the number of rows. {@code e^-g} goes through an array: a vector passed
     * to a method of ours would be boxed whenever C2 declines to inline the call.
     */
    private void swiglu(int rows) {
        int width = config.ffnDim();
        int bound = SPECIES.loopBound(width);
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            VectorMath.exp(gate, base, 0f, -1f, expNegGate, 0, width);
            int i = 0;
            for (; i < bound; i += SPECIES.length()) {
                FloatVector g = FloatVector.fromArray(SPECIES, gate, base + i);
                FloatVector e = FloatVector.fromArray(SPECIES, expNegGate, i);
                g.div(e.add(1f)).mul(FloatVector.fromArray(SPECIES, up, base + i)).intoArray(gate, base + i);
            }
            for (; i < width; i++) {
                gate[base + i] = gate[base + i] / (1f + expNegGate[i]) * up[base + i];
            }
        }
    }

    /** Frees the KV cache. The weights belong to the GGUF file, which the caller closes. */
    @Override
    public void close() {
        cache.close();
    }
}
