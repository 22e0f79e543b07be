package dev.baton.engine.tensor;

/** Thrown when Baton is asked to compute with a tensor type it has no kernel for. */
public final class UnsupportedTensorTypeException extends RuntimeException {
    private final GgmlType type;

    public UnsupportedTensorTypeException(GgmlType type) {
        super("tensor type " + type + " is not supported by Baton's kernels (supported: "
                + WeightFormats.supportedTypes() + ")");
        this.type = type;
    }

    /** The type that was refused. */
    public GgmlType type() {
        return type;
    }
}
