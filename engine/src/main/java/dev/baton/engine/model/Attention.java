package dev.baton.engine.model;

import dev.baton.engine.math.VectorMath;
import dev.baton.engine.tensor.ComputePool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Causal grouped-query attention for one layer of a step.
 *
 * <p>The products follow the rule {@code WeightMatrix} follows for weights (../shared/docs/numerics.md): the other
 * operand is first rounded to the cache's storage format. With an F16 cache, each query is rounded to F16 before
 * its dot products with the keys, and the softmax weights are rounded to F16 before they weigh the values; the sums
 * themselves are F32. This is what llama.cpp computes with its default F16 cache, and it decides near-ties: on
 * TinyStories-656K-q8_0 an all-F32 attention over the F16 cache picks another token at 2 of 120 greedy steps. With an
 * F32 cache everything is F32.
 *
 * <p>Work is split over (segment, key/value head) pairs, spread over the pool's threads, each with its own scratch: each
 * pair first applies RoPE to the step's keys of that head and to the queries of its group and stores the keys and
 * values in the cache (so that per-row work runs on every thread rather than on the caller between two parallel
 * loops), converts that head's cached keys and values of the sequence to F32 once, then serves every query head of its
 * group and every row of the segment. Row {@code i} of a
 * segment starting at position {@code p} attends to positions {@code [0, p + i]}, all read back from the cache, so a
 * prefill chunk sees exactly what token-by-token decoding would. Each output value is computed by one task in a fixed
 * order: the result does not depend on the batch, the chunking or the thread count.
 */
final class Attention implements ComputePool.ThreadRangeTask {
    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;

    private final ComputePool pool;
    private final KvCache cache;
    private final Rope rope;
    private final int kvHeads;
    private final int headDim;
    private final int groupSize;
    private final int qDim;
    private final float scale;
    private final float[][] keys;
    private final float[][] values;
    private final float[][] scores;
    private final PartnerRounding rounding;

    // the call in progress, read by the pool's threads
    private StepBatch batch;
    private int[] segmentSlots;
    private int layer;
    private float[] q;
    private float[] stepKeys;
    private float[] stepValues;
    private float[] out;

    Attention(LlamaConfig config, KvCache cache, Rope rope, ComputePool pool) {
        this.pool = pool;
        this.cache = cache;
        this.rope = rope;
        this.kvHeads = config.kvHeads();
        this.headDim = config.headDim();
        this.groupSize = config.groupSize();
        this.qDim = config.qDim();
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        int context = cache.maxContext();
        int threads = pool.threads();
        this.keys = new float[threads][context * headDim];
        this.values = new float[threads][context * headDim];
        this.scores = new float[threads][context];
        this.rounding = new PartnerRounding(cache.type(), threads, Math.max(context, headDim));
    }

    /**
     * Rotates the step's queries {@code q} ({@code qDim} floats per row) and keys {@code k} ({@code kvDim} floats per
     * row) in place by their positions ({@link Rope#prepare} must have run for this step), stores the keys and the
     * values {@code v} in the cache for layer {@code layer} of the range, then computes the attention output of every
     * row of the step ({@code qDim} floats per row, into {@code out}).
     */
    void compute(StepBatch batch, int[] segmentSlots, int layer, float[] q, float[] k, float[] v, float[] out) {
        this.batch = batch;
        this.segmentSlots = segmentSlots;
        this.layer = layer;
        this.q = q;
        this.stepKeys = k;
        this.stepValues = v;
        this.out = out;
        pool.parallelFor(batch.segments() * kvHeads, this);
        this.batch = null;
        this.q = null;
        this.stepKeys = null;
        this.stepValues = null;
        this.out = null;
    }

    /** Runs (segment, key/value head) items {@code [from, to)} with the scratch of {@code thread}. */
    @Override
    public void run(int thread, int from, int to) {
        for (int item = from; item < to; item++) {
            attend(item / kvHeads, item % kvHeads, thread);
        }
    }

    private void attend(int segment, int kvHead, int thread) {
        float[] k = keys[thread];
        float[] v = values[thread];
        float[] att = scores[thread];
        int start = batch.startPosition(segment);
        int count = batch.tokenCount(segment);
        int slot = segmentSlots[segment];
        int kvDim = kvHeads * headDim;
        for (int i = 0; i < count; i++) {
            int row = batch.firstRow(segment) + i;
            int at = row * kvDim + kvHead * headDim;
            rope.rotateHead(stepKeys, at, row);
            cache.storeHead(slot, layer, kvHead, start + i, stepKeys, at, stepValues, at);
            for (int h = kvHead * groupSize; h < (kvHead + 1) * groupSize; h++) {
                rope.rotateHead(q, row * qDim + h * headDim, row);
            }
        }
        cache.load(slot, layer, kvHead, start + count, k, v);
        for (int i = 0; i < count; i++) {
            int row = batch.firstRow(segment) + i;
            int visible = start + i + 1;
            for (int h = kvHead * groupSize; h < (kvHead + 1) * groupSize; h++) {
                int qOffset = row * qDim + h * headDim;
                rounding.round(thread, q, qOffset, headDim);
                for (int t = 0; t < visible; t++) {
                    att[t] = VectorMath.dot(q, qOffset, k, t * headDim, headDim) * scale;
                }
                softmax(att, visible);
                rounding.round(thread, att, 0, visible);
                Arrays.fill(out, qOffset, qOffset + headDim, 0f);
                for (int t = 0; t < visible; t++) {
                    accumulate(out, qOffset, att[t], v, t * headDim, headDim);
                }
            }
        }
    }

    /** {@code y += a · x} over {@code n} values. */
    private static void accumulate(float[] y, int yOffset, float a, float[] x, int xOffset, int n) {
        int i = 0;
        int bound = SPECIES.loopBound(n);
        if (bound > 0) {
            FloatVector va = FloatVector.broadcast(SPECIES, a);
            for (; i < bound; i += SPECIES.length()) {
                FloatVector.fromArray(SPECIES, x, xOffset + i)
                        .fma(va, FloatVector.fromArray(SPECIES, y, yOffset + i))
                        .intoArray(y, yOffset + i);
            }
        }
        for (; i < n; i++) {
            y[yOffset + i] = Math.fma(a, x[xOffset + i], y[yOffset + i]);
        }
    }

    /**
     * In-place softmax of {@code x[0, n)}; the normalizer is summed in double, as llama.cpp does. The exponentials
     * take the array form of {@link VectorMath#exp} (the same bits as the scalar form, {@code (x − max)·1} being
     * {@code x − max}): per position and head, the scalar polynomial was most of decode's attention work at long
     * contexts.
     */
    static void softmax(float[] x, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[i]);
        }
        VectorMath.exp(x, 0, max, 1f, x, 0, n);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += x[i];
        }
        float inverse = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            x[i] *= inverse;
        }
    }
}
