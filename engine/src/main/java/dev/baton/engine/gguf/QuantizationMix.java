package dev.baton.engine.gguf;

import dev.baton.engine.tensor.GgmlType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which type each tensor gets when a model is written as a {@link GgufFileType}: the choices llama.cpp's
 * {@code llama-quantize} makes without an importance matrix, so that a file Baton writes has the tensor types of the
 * file llama.cpp would write. In short:
 * <ul>
 *   <li>only weight matrices change type: tensors of 2 or more dimensions (ggml counts trailing 1s out) named
 *       {@code *weight}, except norms and a few small special tensors;</li>
 *   <li>{@code output.weight} (and {@code token_embd.weight} when the model has no separate output) gets Q6_K in any
 *       quantized file that is not Q8_0, or Q8_0 when its rows do not fit the file's block size;</li>
 *   <li>the K-quant mixes raise some tensors: {@code _m} files give Q6_K to attn_v and ffn_down in the first and
 *       last eighth of the layers and every third layer between; Q2_K/Q3_K files raise attn_v, attn_output and
 *       ffn_down; 70B-class Llamas (80 layers, grouped-query attention) get Q5_K attn_v;</li>
 *   <li>a tensor whose rows do not fit its type's block falls back: Q2_K/Q3_K → Q4_0, Q4_K → Q5_0, Q5_K → Q5_1,
 *       Q6_K → Q8_0, and to F16 when even 32-value blocks do not fit.</li>
 * </ul>
 * The layer counters advance in llama.cpp's tensor order ({@link #ORDER}), which is also the order Baton writes
 * tensors in. A mix is stateful: ask for each tensor once, in that order ({@link #plan}).
 */
public final class QuantizationMix {
    /** llama.cpp's tensor order: non-layer tensors first, then by layer number, then by name. */
    public static final Comparator<GgufTensorInfo> ORDER =
            Comparator.comparingInt((GgufTensorInfo t) -> layerOf(t.name())).thenComparing(GgufTensorInfo::name);

    /** Substrings of weight names llama-quantize never quantizes (besides norms). */
    private static final List<String> KEPT_AS_IS = List.of("ffn_gate_inp.weight", "ffn_gate_tid2eid.weight",
            "altup", "laurel", "per_layer_model_proj", "ssm_conv1d", "shortconv.conv.weight",
            "indexer.k_proj.weight", "indexer.q_proj.weight", "time_mix_first.weight", "time_mix_w0.weight",
            "time_mix_w1.weight", "time_mix_w2.weight", "time_mix_v0.weight", "time_mix_v1.weight",
            "time_mix_v2.weight", "time_mix_a0.weight", "time_mix_a1.weight", "time_mix_a2.weight",
            "time_mix_g1.weight", "time_mix_g2.weight", "time_mix_decay_w1.weight", "time_mix_decay_w2.weight",
            "time_mix_lerp_fused.weight", "attn_rel_b.weight", ".position_embd", "sam.pos_embd", "sam.neck.",
            "sam.net_", ".rel_pos", ".patch_embd", ".patch_merger", "a.rvq.codebook", "mm.a.code_embd");

    private enum Category { TOKEN_EMBD, ATTN_Q, ATTN_V, ATTN_K, ATTN_OUTPUT, FFN_UP, FFN_GATE, FFN_DOWN, OUTPUT, OTHER }

    private final GgufFileType fileType;
    private final boolean falcon;
    private final boolean llama70b;
    private final int layers;
    private final int groupedQueryRatio;
    private final int experts;
    private final boolean tiedEmbeddings;
    private final int attentionV;
    private int attentionVSeen;
    private int ffnDownSeen;

    private QuantizationMix(GgufFile model, GgufFileType fileType) {
        this.fileType = fileType;
        GgufMetadata meta = model.metadata();
        String arch = meta.optString("general.architecture").orElse("");
        int heads = firstInt(meta, arch + ".attention.head_count", 0);
        int kvHeads = firstInt(meta, arch + ".attention.head_count_kv", heads);
        this.falcon = arch.equals("falcon");
        this.layers = firstInt(meta, arch + ".block_count", 0);
        this.groupedQueryRatio = kvHeads == 0 ? 0 : heads / kvHeads;
        this.experts = firstInt(meta, arch + ".expert_count", 0);
        this.llama70b = arch.equals("llama") && layers == 80 && heads != kvHeads;
        this.tiedEmbeddings = model.tensor("output.weight").isEmpty();
        this.attentionV = (int) model.tensors().stream().filter(t -> isAttentionV(categoryOf(t.name()), t.name()))
                .count();
    }

    /** Each tensor of {@code model} with the type it gets in a {@code fileType} file, in llama.cpp's order. */
    public static List<Choice> plan(GgufFile model, GgufFileType fileType) {
        QuantizationMix mix = new QuantizationMix(model, fileType);
        List<Choice> choices = new ArrayList<>();
        for (GgufTensorInfo t : model.tensors().stream().sorted(ORDER).toList()) {
            choices.add(new Choice(t, mix.typeOf(t)));
        }
        return choices;
    }

    /** A tensor and the type it is written in. */
    public record Choice(GgufTensorInfo tensor, GgmlType type) {
    }

    private GgmlType typeOf(GgufTensorInfo t) {
        if (fileType == GgufFileType.ALL_F32) {
            return GgmlType.F32; // Baton's "dequantize the model": every tensor as float
        }
        if (!allowsQuantization(t)) {
            return t.type();
        }
        GgmlType type = fileType.weights();
        if (!type.isQuantized()) {
            return type;
        }
        return fallback(t, mixed(t, type));
    }

    private static boolean allowsQuantization(GgufTensorInfo t) {
        String name = t.name();
        return ggmlDimensions(t) >= 2 && name.endsWith("weight") && !name.contains("_norm.weight")
                && KEPT_AS_IS.stream().noneMatch(name::contains)
                && !name.equals("position_embd.weight") && !name.equals("token_types.weight");
    }

    /** ggml's n_dims: trailing dimensions of size 1 do not count. */
    private static int ggmlDimensions(GgufTensorInfo t) {
        int n = t.dimensions();
        while (n > 1 && t.dim(n - 1) == 1) {
            n--;
        }
        return n;
    }

    /** The recipe of the file type (llama.cpp's llama_tensor_get_type_impl, for the types Baton writes). */
    private GgmlType mixed(GgufTensorInfo t, GgmlType type) {
        Category category = categoryOf(t.name());
        GgufFileType f = fileType;
        if (category == Category.OUTPUT || (tiedEmbeddings && category == Category.TOKEN_EMBD)) {
            if (falcon || t.dim(0) % type.blockSize() != 0) {
                return GgmlType.Q8_0;
            }
            return type == GgmlType.Q8_0 ? type : GgmlType.Q6_K;
        }
        if (isAttentionV(category, t.name())) {
            GgmlType v = type;
            if (f == GgufFileType.MOSTLY_Q2_K) {
                v = groupedQueryRatio >= 4 ? GgmlType.Q4_K : GgmlType.Q3_K;
            } else if (f == GgufFileType.MOSTLY_Q3_K_M) {
                v = attentionVSeen < 2 ? GgmlType.Q5_K : GgmlType.Q4_K;
            } else if (f == GgufFileType.MOSTLY_Q3_K_L) {
                v = GgmlType.Q5_K;
            } else if ((f == GgufFileType.MOSTLY_Q4_K_M || f == GgufFileType.MOSTLY_Q5_K_M)
                    && moreBits(attentionVSeen, attentionV)) {
                v = GgmlType.Q6_K;
            } else if (f == GgufFileType.MOSTLY_Q4_K_S && attentionVSeen < 4) {
                v = GgmlType.Q5_K;
            }
            if (llama70b && (v == GgmlType.Q3_K || v == GgmlType.Q4_K)) {
                v = GgmlType.Q5_K;
            }
            if (experts == 8) {
                v = GgmlType.Q8_0;
            }
            attentionVSeen++;
            return v;
        }
        if (category == Category.ATTN_K) {
            return experts == 8 ? GgmlType.Q8_0 : type;
        }
        if (category == Category.FFN_DOWN) {
            int layer = experts > 1 ? layerOf(t.name()) : ffnDownSeen;
            ffnDownSeen++;
            return ffnDown(type, layer, layers);
        }
        if (category == Category.ATTN_OUTPUT) {
            return attentionOutput(type);
        }
        return type;
    }

    private GgmlType ffnDown(GgmlType type, int layer, int n) {
        return switch (fileType) {
            case MOSTLY_Q2_K -> GgmlType.Q3_K;
            case MOSTLY_Q3_K_M -> layer < n / 16 ? GgmlType.Q5_K
                    : !falcon || moreBits(layer, n) ? GgmlType.Q4_K : GgmlType.Q3_K;
            case MOSTLY_Q3_K_L -> falcon ? GgmlType.Q4_K : GgmlType.Q5_K;
            case MOSTLY_Q4_K_M -> falcon
                    ? (layer < n / 16 ? GgmlType.Q6_K : moreBits(layer, n) ? GgmlType.Q5_K : GgmlType.Q4_K)
                    : (moreBits(layer, n) ? GgmlType.Q6_K : type);
            case MOSTLY_Q5_K_M -> moreBits(layer, n) ? GgmlType.Q6_K : type;
            case MOSTLY_Q4_K_S -> !falcon && layer < n / 8 ? GgmlType.Q5_K : type;
            default -> type;
        };
    }

    private GgmlType attentionOutput(GgmlType type) {
        if (falcon) {
            return fileType == GgufFileType.MOSTLY_Q3_K_L ? GgmlType.Q4_K : type;
        }
        if (experts == 8) {
            return switch (fileType) {
                case MOSTLY_Q2_K, MOSTLY_Q3_K_S, MOSTLY_Q3_K_M, MOSTLY_Q4_K_S, MOSTLY_Q4_K_M -> GgmlType.Q5_K;
                default -> type;
            };
        }
        return switch (fileType) {
            case MOSTLY_Q2_K -> GgmlType.Q3_K;
            case MOSTLY_Q3_K_M -> GgmlType.Q4_K;
            case MOSTLY_Q3_K_L -> GgmlType.Q5_K;
            default -> type;
        };
    }

    /** llama.cpp's use_more_bits: the first and last eighth of the layers, and every third layer between. */
    private static boolean moreBits(int layer, int n) {
        return layer < n / 8 || layer >= 7 * n / 8 || (layer - n / 8) % 3 == 2;
    }

    /** A type whose blocks do not fit the rows gives way to one that does, as llama.cpp's fallback table says. */
    private static GgmlType fallback(GgufTensorInfo t, GgmlType type) {
        long rowLength = t.dim(0);
        if (rowLength % type.blockSize() == 0) {
            return type;
        }
        GgmlType smaller = switch (type) {
            case Q2_K, Q3_K -> GgmlType.Q4_0;
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            default -> type;
        };
        return rowLength % smaller.blockSize() == 0 ? smaller : GgmlType.F16;
    }

    private static boolean isAttentionV(Category c, String name) {
        return c == Category.ATTN_V || name.contains("attn_qkv.weight") || name.contains("attn_kv_b.weight");
    }

    private static Category categoryOf(String name) {
        if (name.equals("output.weight")) {
            return Category.OUTPUT;
        }
        if (name.equals("token_embd.weight") || name.equals("per_layer_token_embd.weight")) {
            return Category.TOKEN_EMBD;
        }
        if (name.contains("attn_qkv.weight") || name.contains("attn_kv_b.weight") || name.contains("attn_v.weight")) {
            return Category.ATTN_V;
        }
        if (name.contains("attn_k.weight")) {
            return Category.ATTN_K;
        }
        if (name.contains("attn_q.weight")) {
            return Category.ATTN_Q;
        }
        if (name.contains("attn_output.weight")) {
            return Category.ATTN_OUTPUT;
        }
        if (name.contains("ffn_up")) {
            return Category.FFN_UP;
        }
        if (name.contains("ffn_gate")) {
            return Category.FFN_GATE;
        }
        if (name.contains("ffn_down")) {
            return Category.FFN_DOWN;
        }
        return Category.OTHER;
    }

    /** The layer number of a {@code blk.N.…} name, or −1 (what C's sscanf("blk.%d.") leaves). */
    static int layerOf(String name) {
        if (!name.startsWith("blk.")) {
            return -1;
        }
        int i = 4;
        int sign = 1;
        if (i < name.length() && (name.charAt(i) == '-' || name.charAt(i) == '+')) {
            sign = name.charAt(i) == '-' ? -1 : 1;
            i++;
        }
        int start = i;
        long value = 0;
        while (i < name.length() && Character.isDigit(name.charAt(i)) && value < Integer.MAX_VALUE) {
            value = value * 10 + (name.charAt(i) - '0');
            i++;
        }
        return i == start ? -1 : (int) (sign * Math.min(value, Integer.MAX_VALUE));
    }

    private static int firstInt(GgufMetadata meta, String key, int absent) {
        if (!meta.has(key)) {
            return absent;
        }
        if (meta.type(key) == GgufValueType.ARRAY) {
            int[] values = meta.getIntArray(key);
            return values.length == 0 ? absent : values[0];
        }
        return (int) meta.getLong(key);
    }
}
