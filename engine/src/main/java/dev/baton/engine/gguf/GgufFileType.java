package dev.baton.engine.gguf;

import dev.baton.engine.tensor.GgmlType;
import java.util.Arrays;
import java.util.Optional;

/**
 * llama.cpp's {@code general.file_type} values for the weight types Baton writes: the type of most of a model's
 * weights ("mostly Q8_0"), which tools display and some loaders use as a hint.
 */
public enum GgufFileType {
    ALL_F32(GgmlType.F32, 0),
    MOSTLY_F16(GgmlType.F16, 1),
    MOSTLY_Q4_0(GgmlType.Q4_0, 2),
    MOSTLY_Q8_0(GgmlType.Q8_0, 7),
    MOSTLY_BF16(GgmlType.BF16, 32);

    public static final String KEY = "general.file_type";
    /** ggml's quantization format version, which llama.cpp's quantizer records in every file it writes. */
    public static final String QUANTIZATION_VERSION_KEY = "general.quantization_version";
    public static final int QUANTIZATION_VERSION = 2;

    private final GgmlType weights;
    private final int id;

    GgufFileType(GgmlType weights, int id) {
        this.weights = weights;
        this.id = id;
    }

    public int id() {
        return id;
    }

    public GgmlType weights() {
        return weights;
    }

    /** The file type whose weights are mostly {@code type}, if llama.cpp names one Baton writes. */
    public static Optional<GgufFileType> forWeights(GgmlType type) {
        return Arrays.stream(values()).filter(f -> f.weights == type).findFirst();
    }
}
