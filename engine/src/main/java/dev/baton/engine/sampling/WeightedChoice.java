package dev.baton.engine.sampling;

/**
 * Unnormalized softmax weights over the whole vocabulary, and one draw from them. Weights are summed per block so a
 * draw finds the block holding its point in a few hundred steps instead of scanning every token.
 */
final class WeightedChoice {
    private final float[] weights;
    private final double[] blockSums;
    private final float[] lanes = new float[LogitKernels.LANES];
    private final int vocabSize;
    private double total;

    WeightedChoice(int vocabSize) {
        this.vocabSize = vocabSize;
        weights = new float[vocabSize];
        blockSums = new double[(vocabSize + LogitKernels.BLOCK - 1) / LogitKernels.BLOCK];
    }

    /** Weighs every token ranked at or before {@code cutKey} (see {@link RankedKeys}); the rest get weight 0. */
    void weigh(float[] row, int base, float max, float temperature, long cutKey) {
        total = LogitKernels.weigh(row, base, vocabSize, max, 1f / temperature, RankedKeys.logit(cutKey),
                RankedKeys.id(cutKey), weights, blockSums, lanes);
    }

    /** ln Σ exp(logit) over the whole row, for log-probabilities. */
    double logSumExp(float[] row, int base) {
        float max = LogitKernels.max(row, base, vocabSize);
        weigh(row, base, max, 1f, Truncation.KEEP_ALL);
        return max + Math.log(total);
    }

    /** The current weights, by token id (read-only for callers). */
    float[] weights() {
        return weights;
    }

    double total() {
        return total;
    }

    /**
     * The token whose span of the cumulative weight, in id order, contains {@code uniform * total}. When rounding
     * leaves the point past the last span, the last token with a positive weight is chosen.
     */
    int pick(double uniform) {
        double target = uniform * total;
        double before = 0;
        int lastBlock = -1;
        for (int b = 0; b < blockSums.length; b++) {
            if (blockSums[b] > 0) {
                lastBlock = b;
                if (before + blockSums[b] > target) {
                    return pickInBlock(b, target - before);
                }
                before += blockSums[b];
            }
        }
        return pickInBlock(lastBlock, Double.POSITIVE_INFINITY);
    }

    private int pickInBlock(int block, double target) {
        int start = block * LogitKernels.BLOCK;
        int end = Math.min(vocabSize, start + LogitKernels.BLOCK);
        double cumulative = 0;
        int lastPositive = start;
        for (int id = start; id < end; id++) {
            if (weights[id] > 0) {
                lastPositive = id;
                cumulative += weights[id];
                if (cumulative > target) {
                    return id;
                }
            }
        }
        return lastPositive;
    }
}
