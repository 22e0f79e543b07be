package dev.baton.engine.model;

import dev.baton.engine.tensor.WeightMatrix;

/**
 * One transformer block: attention ({@code wq}, {@code wk}, {@code wv}, {@code wo}) and the SwiGLU feed-forward
 * ({@code gate}, {@code up}, {@code down}), each preceded by an RMSNorm with its own weights.
 */
public record LayerWeights(float[] attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
                           float[] ffnNorm, WeightMatrix gate, WeightMatrix up, WeightMatrix down) {

    /** Bytes of weights this block reads per token. */
    long bytes() {
        long bytes = 4L * (attnNorm.length + ffnNorm.length);
        for (WeightMatrix m : new WeightMatrix[] {wq, wk, wv, wo, gate, up, down}) {
            bytes += RangeWeights.matrixBytes(m);
        }
        return bytes;
    }
}
