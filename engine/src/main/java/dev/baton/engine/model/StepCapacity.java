package dev.baton.engine.model;

/**
 * The largest step a stage is sized for: at most {@code maxTokens} rows (decode tokens plus prefill chunk tokens)
 * in at most {@code maxSegments} segments. Scratch buffers are allocated once for this size.
 */
public record StepCapacity(int maxTokens, int maxSegments) {

    public StepCapacity {
        if (maxSegments < 1 || maxTokens < maxSegments) {
            throw new IllegalArgumentException("step capacity needs at least one segment and one token per segment"
                    + " (got " + maxTokens + " tokens, " + maxSegments + " segments)");
        }
    }

    /** A batch that fits this capacity. */
    public StepBatch newBatch() {
        return new StepBatch(maxSegments, maxTokens);
    }
}
