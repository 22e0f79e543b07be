package dev.baton.engine.model;

/**
 * The work of one step: a list of <em>segments</em>, each a run of consecutive positions of one sequence (a decode
 * segment has one token, a prefill chunk many; both may be mixed). Rows of the step are the segments' tokens laid end
 * to end, segment by segment. The first layer range also needs the token ids; later ranges only the geometry.
 *
 * <p>Preallocated for at most {@code maxSegments} segments and {@code maxTokens} rows, then reused step after step.
 */
public final class StepBatch {
    private final long[] sequenceIds;
    private final int[] startPositions;
    private final int[] tokenCounts;
    private final int[] firstRows;
    private final boolean[] wantsLogits;
    private final int[] tokens;
    private int segments;
    private int rows;
    private boolean hasTokens = true;

    public StepBatch(int maxSegments, int maxTokens) {
        if (maxSegments < 1 || maxTokens < maxSegments) {
            throw new IllegalArgumentException("a step needs room for at least one segment and one token per segment"
                    + " (got " + maxSegments + " segments, " + maxTokens + " tokens)");
        }
        sequenceIds = new long[maxSegments];
        startPositions = new int[maxSegments];
        tokenCounts = new int[maxSegments];
        firstRows = new int[maxSegments];
        wantsLogits = new boolean[maxSegments];
        tokens = new int[maxTokens];
    }

    public int maxSegments() {
        return sequenceIds.length;
    }

    public int maxTokens() {
        return tokens.length;
    }

    /** Empties the batch for the next step. */
    public StepBatch clear() {
        segments = 0;
        rows = 0;
        hasTokens = true;
        return this;
    }

    /**
     * Adds positions {@code [start, start + count)} of a sequence with their token ids (for the first range).
     *
     * @param wantsLogits whether the last range computes logits after the segment's last token (false for all but the
     *                    last chunk of a prompt)
     */
    public StepBatch add(long sequenceId, int start, int[] ids, int from, int count, boolean wantsLogits) {
        int row = addGeometry(sequenceId, start, count, wantsLogits);
        System.arraycopy(ids, from, tokens, row, count);
        return this;
    }

    /** Adds one decode token; its logits are wanted. */
    public StepBatch add(long sequenceId, int position, int token) {
        int row = addGeometry(sequenceId, position, 1, true);
        tokens[row] = token;
        return this;
    }

    /** Adds positions {@code [start, start + count)} without token ids (for ranges after the first). */
    public StepBatch add(long sequenceId, int start, int count, boolean wantsLogits) {
        addGeometry(sequenceId, start, count, wantsLogits);
        hasTokens = false;
        return this;
    }

    /**
     * Makes this batch describe the same segments as {@code other}, without token ids: what a stage after the first
     * receives.
     */
    public StepBatch copyGeometry(StepBatch other) {
        clear();
        for (int s = 0; s < other.segments; s++) {
            add(other.sequenceIds[s], other.startPositions[s], other.tokenCounts[s], other.wantsLogits[s]);
        }
        return this;
    }

    private int addGeometry(long sequenceId, int start, int count, boolean logits) {
        if (count < 1 || start < 0) {
            throw new IllegalArgumentException("segment of sequence " + sequenceId + " needs at least one token at a"
                    + " non-negative position (got " + count + " at " + start + ")");
        }
        if (segments == sequenceIds.length || rows + count > tokens.length) {
            throw new IllegalArgumentException("step is full: at most " + sequenceIds.length + " segments and "
                    + tokens.length + " tokens");
        }
        for (int s = 0; s < segments; s++) {
            if (sequenceIds[s] == sequenceId) {
                throw new IllegalArgumentException("sequence " + sequenceId + " appears twice in one step");
            }
        }
        int row = rows;
        sequenceIds[segments] = sequenceId;
        startPositions[segments] = start;
        tokenCounts[segments] = count;
        firstRows[segments] = row;
        wantsLogits[segments] = logits;
        segments++;
        rows += count;
        return row;
    }

    public int segments() {
        return segments;
    }

    /** Rows of the step: all segments' tokens. */
    public int rows() {
        return rows;
    }

    public boolean hasTokens() {
        return hasTokens;
    }

    public long sequenceId(int segment) {
        return sequenceIds[segment];
    }

    public int startPosition(int segment) {
        return startPositions[segment];
    }

    public int tokenCount(int segment) {
        return tokenCounts[segment];
    }

    /** The row of the segment's first token. */
    public int firstRow(int segment) {
        return firstRows[segment];
    }

    /** The row of the segment's last token: the one whose logits the last range computes. */
    public int lastRow(int segment) {
        return firstRows[segment] + tokenCounts[segment] - 1;
    }

    /** Whether the last range computes logits for this segment. */
    public boolean wantsLogits(int segment) {
        return wantsLogits[segment];
    }

    public int token(int row) {
        return tokens[row];
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("StepBatch[");
        for (int i = 0; i < segments; i++) {
            s.append(i == 0 ? "" : ", ").append(sequenceIds[i]).append('@').append(startPositions[i])
                    .append('+').append(tokenCounts[i]);
        }
        return s.append(']').toString();
    }
}
