package dev.baton.engine.cli;

import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufTensorInfo;
import dev.baton.engine.gguf.SyntheticLlama;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code baton synth --shape S OUT}: writes a random-weight Llama model in a real shape (see {@link SyntheticLlama}). */
final class SynthCommand implements CliCommand {
    /** Relative to the shared folder beside the repository. */
    static final String DEFAULT_VOCAB = "testdata/tokenizer/ggml-vocab-llama-spm.gguf";

    /** Single-type models; K-quant mixes come from {@code quantize} on a synthesized F16 model. */
    static final List<String> TYPES = List.of("f32", "f16", "bf16", "q8_0", "q4_0");

    @Override
    public String name() {
        return "synth";
    }

    @Override
    public String usage() {
        return "synth --shape " + String.join("|", SyntheticLlama.SHAPES.stream().map(SyntheticLlama.Shape::name).toList())
                + " [--type " + String.join("|", TYPES) + "] [--vocab FILE.gguf] [--seed N] [--threads N] OUT.gguf";
    }

    @Override
    public Set<String> valueFlags() {
        return Set.of("shape", "type", "vocab", "seed", "threads");
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws Exception {
        Path dst = Path.of(args.requirePositionals("OUT.gguf").getFirst());
        List<String> shapes = SyntheticLlama.SHAPES.stream().map(SyntheticLlama.Shape::name).toList();
        SyntheticLlama.Shape shape = SyntheticLlama.shape(args.choice("shape", null, shapes)).orElseThrow();
        GgmlType type = GgmlType.valueOf(args.choice("type", "f32", TYPES).toUpperCase(Locale.ROOT));
        long seed = args.longValue("seed", 42);
        Path vocab = args.value("vocab").map(Path::of).orElseGet(SynthCommand::defaultVocabulary);
        long start = System.nanoTime();
        try (GgufFile vocabulary = GgufFile.open(vocab);
                ComputePool pool = new ComputePool(QuantizeCommand.threads(args), 0)) {
            List<GgufTensorInfo> tensors = SyntheticLlama.write(dst, shape, type, vocabulary.metadata(), seed, pool);
            long params = tensors.stream().mapToLong(GgufTensorInfo::elementCount).sum();
            out.printf(Locale.ROOT, "%s: %s %s, %d tensors, %d parameters, %d bytes, seed %d, %.1f s%n", dst,
                    shape.name(), type.name(), tensors.size(), params, Files.size(dst), seed,
                    (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }

    /**
     * The shared folder's llama SPM vocabulary: under {@code BATON_SHARED} if set, else beside the repository that
     * {@code bin/baton} runs from ({@code -Dbaton.home}), else beside the working directory.
     */
    static Path defaultVocabulary() {
        String shared = System.getenv("BATON_SHARED");
        if (shared != null && !shared.isBlank()) {
            return Path.of(shared, DEFAULT_VOCAB);
        }
        String home = System.getProperty("baton.home");
        return Path.of(home != null ? home : ".").resolve("..").resolve("shared").resolve(DEFAULT_VOCAB).normalize();
    }
}
