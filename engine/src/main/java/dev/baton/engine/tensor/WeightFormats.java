package dev.baton.engine.tensor;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The weight formats Baton computes with, by ggml type. */
public final class WeightFormats {
    private static final Map<GgmlType, WeightFormat> FORMATS = new EnumMap<>(GgmlType.class);

    static {
        for (WeightFormat f : new WeightFormat[] {
                new F32Format(), new F16Format(), new BF16Format(), new Q8_0Format(), new Q4_0Format(),
                new Q4_1Format(), new Q5_0Format(), new Q5_1Format(),
                new Q2_KFormat(), new Q3_KFormat(), new Q4_KFormat(), new Q5_KFormat(), new Q6_KFormat()}) {
            FORMATS.put(f.type(), f);
        }
    }

    private WeightFormats() {
    }

    /** The format for {@code type}; throws {@link UnsupportedTensorTypeException} if Baton has no kernel for it. */
    public static WeightFormat of(GgmlType type) {
        WeightFormat f = FORMATS.get(Objects.requireNonNull(type, "type"));
        if (f == null) {
            throw new UnsupportedTensorTypeException(type);
        }
        return f;
    }

    public static boolean isSupported(GgmlType type) {
        return type != null && FORMATS.containsKey(type);
    }

    /** The supported types, in ggml id order. */
    public static Set<GgmlType> supportedTypes() {
        return java.util.Collections.unmodifiableSet(FORMATS.keySet());
    }
}
