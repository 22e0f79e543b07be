package dev.baton.engine.gguf;

import dev.baton.engine.tensor.GgmlType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * llama.cpp's {@code general.file_type} values for the file types Baton writes: a default weight type ("mostly
 * Q4_K") and, for the K-quant mixes, a recipe that gives some tensors more bits ({@link QuantizationMix}). The names
 * are llama-quantize's ({@code q4_k_m}).
 */
public enum GgufFileType {
    ALL_F32(GgmlType.F32, 0),
    MOSTLY_F16(GgmlType.F16, 1),
    MOSTLY_Q4_0(GgmlType.Q4_0, 2),
    MOSTLY_Q4_1(GgmlType.Q4_1, 3),
    MOSTLY_Q8_0(GgmlType.Q8_0, 7),
    MOSTLY_Q5_0(GgmlType.Q5_0, 8),
    MOSTLY_Q5_1(GgmlType.Q5_1, 9),
    MOSTLY_Q2_K(GgmlType.Q2_K, 10),
    MOSTLY_Q3_K_S(GgmlType.Q3_K, 11),
    MOSTLY_Q3_K_M(GgmlType.Q3_K, 12),
    MOSTLY_Q3_K_L(GgmlType.Q3_K, 13),
    MOSTLY_Q4_K_S(GgmlType.Q4_K, 14),
    MOSTLY_Q4_K_M(GgmlType.Q4_K, 15),
    MOSTLY_Q5_K_S(GgmlType.Q5_K, 16),
    MOSTLY_Q5_K_M(GgmlType.Q5_K, 17),
    MOSTLY_Q6_K(GgmlType.Q6_K, 18),
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

    /** The type most weights get; the mixes ({@code _s}, {@code _m}, {@code _l}) raise some tensors above it. */
    public GgmlType weights() {
        return weights;
    }

    /** llama-quantize's name for this file type: {@code f32}, {@code q8_0}, {@code q4_k_m}, … */
    public String cliName() {
        String n = name().startsWith("ALL_") ? name().substring(4) : name().substring("MOSTLY_".length());
        return n.toLowerCase(Locale.ROOT);
    }

    /** Every file type's {@link #cliName()}, in id order. */
    public static List<String> cliNames() {
        return Arrays.stream(values()).map(GgufFileType::cliName).toList();
    }

    /** The file type called {@code name} by llama-quantize, if Baton writes it. */
    public static Optional<GgufFileType> byCliName(String name) {
        return Arrays.stream(values()).filter(f -> f.cliName().equals(name.toLowerCase(Locale.ROOT))).findFirst();
    }

    /** The lowest-id file type whose weights are mostly {@code type}, if llama.cpp names one Baton writes. */
    public static Optional<GgufFileType> forWeights(GgmlType type) {
        return Arrays.stream(values()).filter(f -> f.weights == type).findFirst();
    }
}
