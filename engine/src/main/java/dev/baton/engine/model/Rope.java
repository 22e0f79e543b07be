package dev.baton.engine.model;

/**
 * Rotary position embedding in llama's "normal" layout: each adjacent pair {@code (x[2i], x[2i+1])} of the first
 * {@code ropeDim} dimensions of a head turns by {@code position · base^(-2i/ropeDim)} (divided by the model's linear
 * scale and per-pair frequency factors, when it has them). GGUF files already permute Q and K rows for this layout.
 *
 * <p>Angles are computed in double precision once per row and step, then shared by every layer and head.
 */
final class Rope {
    private final int pairs;
    private final double[] inverseFrequencies;
    private final double positionScale;
    private final float[] cos;
    private final float[] sin;

    Rope(LlamaConfig config, float[] freqFactors, int maxRows) {
        this.pairs = config.ropeDim() / 2;
        this.inverseFrequencies = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            double f = Math.pow(config.ropeBase(), -2.0 * i / config.ropeDim());
            inverseFrequencies[i] = freqFactors == null ? f : f / freqFactors[i];
        }
        this.positionScale = 1.0 / config.ropeScale();
        this.cos = new float[maxRows * pairs];
        this.sin = new float[maxRows * pairs];
    }

    /** Computes the rotation of every row of the step from its position. */
    void prepare(int[] rowPositions, int rows) {
        for (int r = 0; r < rows; r++) {
            double position = rowPositions[r] * positionScale;
            for (int i = 0; i < pairs; i++) {
                double angle = position * inverseFrequencies[i];
                cos[r * pairs + i] = (float) Math.cos(angle);
                sin[r * pairs + i] = (float) Math.sin(angle);
            }
        }
    }

    /**
     * Rotates head {@code head} of row {@code row} of {@code x} in place, for the position {@link #prepare} gave that
     * row; {@code offset} is where the head starts in {@code x}.
     */
    void rotateHead(float[] x, int offset, int row) {
        int angles = row * pairs;
        for (int i = 0; i < pairs; i++) {
            float c = cos[angles + i];
            float s = sin[angles + i];
            float x0 = x[offset + 2 * i];
            float x1 = x[offset + 2 * i + 1];
            x[offset + 2 * i] = x0 * c - x1 * s;
            x[offset + 2 * i + 1] = x0 * s + x1 * c;
        }
    }
}
