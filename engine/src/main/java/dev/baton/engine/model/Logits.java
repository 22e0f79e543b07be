package dev.baton.engine.model;

import java.util.Arrays;

/**
 * What the last layer range produces: a row of {@code vocab} scores after the last token of each segment that
 * {@linkplain StepBatch#wantsLogits wants logits}. Owned and reused by the stage.
 */
public final class Logits {
    private static final int NONE = -1;

    private final int vocab;
    private final float[] values;
    private final int[] rowOfSegment;
    private int rows;

    Logits(int maxSegments, int vocab) {
        this.vocab = vocab;
        this.values = new float[Math.multiplyExact(maxSegments, vocab)];
        this.rowOfSegment = new int[maxSegments];
    }

    public int vocab() {
        return vocab;
    }

    /** Rows computed by the last step. */
    public int rows() {
        return rows;
    }

    public float[] values() {
        return values;
    }

    /** Whether the last step computed scores for {@code segment}. */
    public boolean has(int segment) {
        return segment >= 0 && segment < rowOfSegment.length && rowOfSegment[segment] != NONE;
    }

    /** Where the scores of {@code segment} of the last step start in {@link #values()}. */
    public int offset(int segment) {
        if (!has(segment)) {
            throw new IllegalArgumentException("the last step computed no logits for segment " + segment);
        }
        return rowOfSegment[segment] * vocab;
    }

    /** Starts a step with no rows. */
    void reset() {
        Arrays.fill(rowOfSegment, NONE);
        rows = 0;
    }

    /** Assigns the next row to {@code segment}, returning it. */
    int addRow(int segment) {
        rowOfSegment[segment] = rows;
        return rows++;
    }
}
