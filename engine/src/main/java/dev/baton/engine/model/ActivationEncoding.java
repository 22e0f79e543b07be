package dev.baton.engine.model;

import dev.baton.engine.tensor.GgmlType;

/**
 * How hidden states travel between stages: F32 is exact (a split model gives bit-identical results to an unsplit
 * one); BF16 halves the bytes at the cost of rounding every value to 8 significant bits.
 */
public enum ActivationEncoding {
    F32(GgmlType.F32),
    BF16(GgmlType.BF16);

    private final GgmlType type;

    ActivationEncoding(GgmlType type) {
        this.type = type;
    }

    GgmlType type() {
        return type;
    }

    public int bytesPerValue() {
        return (int) type.byteSize(1);
    }

    /** Parses {@code f32} or {@code bf16}, case-insensitively. */
    public static ActivationEncoding parse(String text) {
        for (ActivationEncoding e : values()) {
            if (e.name().equalsIgnoreCase(text.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown activation encoding '" + text + "' (expected f32 or bf16)");
    }
}
