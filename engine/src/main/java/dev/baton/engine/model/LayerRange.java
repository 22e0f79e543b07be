package dev.baton.engine.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The transformer blocks {@code [from, to)} that one pipeline stage runs. The range starting at 0 also embeds
 * tokens; the range ending at the model's last block also applies the final norm and the classifier.
 */
public record LayerRange(int from, int to) {

    public LayerRange {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("layer range [" + from + ", " + to + ") is empty or negative");
        }
    }

    /** The whole model as one range. */
    public static LayerRange all(LlamaConfig config) {
        return new LayerRange(0, config.layers());
    }

    /**
     * Splits {@code layers} blocks into {@code parts} contiguous ranges whose sizes differ by at most one
     * (earlier ranges take the extra blocks).
     */
    public static List<LayerRange> split(int layers, int parts) {
        if (parts < 1 || parts > layers) {
            throw new IllegalArgumentException("cannot split " + layers + " layers into " + parts + " ranges"
                    + " (need 1.." + layers + ")");
        }
        List<LayerRange> ranges = new ArrayList<>(parts);
        int from = 0;
        for (int i = 0; i < parts; i++) {
            int size = layers / parts + (i < layers % parts ? 1 : 0);
            ranges.add(new LayerRange(from, from + size));
            from += size;
        }
        return List.copyOf(ranges);
    }

    public int size() {
        return to - from;
    }

    /** Whether this range embeds token ids. */
    public boolean isFirst() {
        return from == 0;
    }

    /** Whether this range produces logits. */
    public boolean isLast(LlamaConfig config) {
        return to == config.layers();
    }

    /** Refuses a range reaching past the model's blocks. */
    public LayerRange checkWithin(LlamaConfig config) {
        if (to > config.layers()) {
            throw new IllegalArgumentException("layer range " + this + " reaches past the model's "
                    + config.layers() + " layers");
        }
        return this;
    }

    @Override
    public String toString() {
        return "[" + from + ", " + to + ")";
    }
}
