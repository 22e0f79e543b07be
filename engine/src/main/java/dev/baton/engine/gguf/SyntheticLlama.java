package dev.baton.engine.gguf;

import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import dev.baton.engine.tensor.WeightFormat;
import dev.baton.engine.tensor.WeightFormats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes random-weight Llama models in real shapes, for benchmarks: the compute and memory traffic of the real model
 * without its weights. Weights are uniform with standard deviation 0.02 (Llama's initialisation scale), norms are 1,
 * and the vocabulary (all {@code tokenizer.*} keys) comes from a real GGUF, whose token count sets the vocabulary
 * size. Every weight is a pure function of (seed, tensor index, element index), so the file is the same for any
 * thread count, and tensors stream to disk a chunk at a time (a 1.1B F32 model is 4.4 GB).
 */
public final class SyntheticLlama {
    /** A Llama architecture's hyperparameters (the vocabulary size comes from the vocabulary file). */
    public record Shape(String name, int dim, int layers, int heads, int kvHeads, int ffn, int context) {
        public int headDim() {
            return dim / heads;
        }

        public int kvDim() {
            return headDim() * kvHeads;
        }
    }

    /** stories110M's shape, TinyLlama-1.1B's, and a tiny one for tests. */
    public static final List<Shape> SHAPES = List.of(
            new Shape("tiny", 64, 2, 4, 2, 192, 256),
            new Shape("llama-110m", 768, 12, 12, 12, 2048, 1024),
            new Shape("tinyllama-1.1b", 2048, 22, 32, 4, 5632, 2048));

    private static final float WEIGHT_HALF_RANGE = (float) (0.02 * Math.sqrt(3)); // uniform(-a, a) has std a/sqrt(3)

    private SyntheticLlama() {
    }

    public static Optional<Shape> shape(String name) {
        return SHAPES.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** One tensor to generate: 1-D tensors are norms (all ones), the rest random weights in the model's type. */
    private record Planned(String name, long[] shape) {
        boolean isNorm() {
            return shape.length == 1;
        }
    }

    /** Writes the model to {@code out}; returns the tensor infos written. */
    public static List<GgufTensorInfo> write(Path out, Shape shape, GgmlType type, GgufMetadata vocabulary, long seed,
            ComputePool pool) throws IOException {
        GgufFileType fileType = GgufFileType.forWeights(type).filter(f -> WeightFormats.isSupported(type))
                .orElseThrow(() -> new IllegalArgumentException("cannot synthesize " + type + " weights"));
        int vocab = vocabulary.getStringArray("tokenizer.ggml.tokens").length;
        List<Planned> plan = plan(shape, vocab);
        for (Planned p : plan) {
            if (!p.isNorm() && p.shape()[0] % type.blockSize() != 0) {
                throw new IllegalArgumentException(p.name() + " rows of " + p.shape()[0] + " do not fit " + type
                        + " blocks of " + type.blockSize());
            }
        }
        WeightFormat weights = WeightFormats.of(type);
        WeightFormat f32 = WeightFormats.of(GgmlType.F32);
        try (GgufWriter writer = GgufWriter.create(out)) {
            putMetadata(writer, shape, vocab, fileType, vocabulary);
            for (Planned p : plan) {
                writer.addTensor(p.name(), p.isNorm() ? GgmlType.F32 : type, p.shape());
            }
            for (int i = 0; i < plan.size(); i++) {
                Planned p = plan.get(i);
                int rowLength = (int) p.shape()[0];
                long rows = p.isNorm() ? 1 : p.shape()[1];
                long tensorSeed = mix(seed + mix(i + 1));
                RowEncoder.RowSource source = p.isNorm()
                        ? (row, dst) -> java.util.Arrays.fill(dst, 1f)
                        : (row, dst) -> randomRow(tensorSeed, row * rowLength, dst);
                writer.writeTensor(p.name(), sink -> RowEncoder.encode(sink, p.isNorm() ? f32 : weights, rows,
                        rowLength, source, pool));
            }
            return writer.tensors();
        }
    }

    private static List<Planned> plan(Shape s, int vocab) {
        List<Planned> plan = new ArrayList<>();
        plan.add(new Planned("token_embd.weight", new long[] {s.dim(), vocab}));
        for (int b = 0; b < s.layers(); b++) {
            String blk = "blk." + b + ".";
            plan.add(new Planned(blk + "attn_norm.weight", new long[] {s.dim()}));
            plan.add(new Planned(blk + "attn_q.weight", new long[] {s.dim(), s.dim()}));
            plan.add(new Planned(blk + "attn_k.weight", new long[] {s.dim(), s.kvDim()}));
            plan.add(new Planned(blk + "attn_v.weight", new long[] {s.dim(), s.kvDim()}));
            plan.add(new Planned(blk + "attn_output.weight", new long[] {s.dim(), s.dim()}));
            plan.add(new Planned(blk + "ffn_norm.weight", new long[] {s.dim()}));
            plan.add(new Planned(blk + "ffn_gate.weight", new long[] {s.dim(), s.ffn()}));
            plan.add(new Planned(blk + "ffn_up.weight", new long[] {s.dim(), s.ffn()}));
            plan.add(new Planned(blk + "ffn_down.weight", new long[] {s.ffn(), s.dim()}));
        }
        plan.add(new Planned("output_norm.weight", new long[] {s.dim()}));
        plan.add(new Planned("output.weight", new long[] {s.dim(), vocab}));
        return plan;
    }

    private static void putMetadata(GgufWriter w, Shape s, int vocab, GgufFileType fileType, GgufMetadata vocabulary) {
        w.putString("general.architecture", "llama")
                .putString("general.name", "baton-synth-" + s.name())
                .putUint32(GgufFileType.KEY, fileType.id())
                .putUint32(GgufFileType.QUANTIZATION_VERSION_KEY, GgufFileType.QUANTIZATION_VERSION)
                .putUint32("llama.vocab_size", vocab)
                .putUint32("llama.context_length", s.context())
                .putUint32("llama.embedding_length", s.dim())
                .putUint32("llama.block_count", s.layers())
                .putUint32("llama.feed_forward_length", s.ffn())
                .putUint32("llama.attention.head_count", s.heads())
                .putUint32("llama.attention.head_count_kv", s.kvHeads())
                .putUint32("llama.rope.dimension_count", s.headDim())
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putFloat32("llama.rope.freq_base", 10000f);
        vocabulary.entries().forEach((key, e) -> {
            if (key.startsWith("tokenizer.")) {
                w.put(key, e.type(), e.value());
            }
        });
    }

    /** Elements {@code first ..} of a tensor's random weights. */
    private static void randomRow(long tensorSeed, long first, float[] dst) {
        for (int i = 0; i < dst.length; i++) {
            long bits = mix(tensorSeed + (first + i) * 0x9E3779B97F4A7C15L);
            float unit = (bits >>> 40) * 0x1.0p-24f; // [0, 1)
            dst[i] = (2f * unit - 1f) * WEIGHT_HALF_RANGE;
        }
    }

    /** SplitMix64's finaliser: a bijective scramble of 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
