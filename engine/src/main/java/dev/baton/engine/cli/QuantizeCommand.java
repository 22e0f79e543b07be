package dev.baton.engine.cli;

import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufQuantizer;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** {@code baton quantize IN OUT --type T}: rewrites a model's weights in another type (see {@link GgufQuantizer}). */
final class QuantizeCommand implements CliCommand {
    static final List<String> TYPES = List.of("f32", "f16", "bf16", "q8_0", "q4_0");

    @Override
    public String name() {
        return "quantize";
    }

    @Override
    public String usage() {
        return "quantize IN.gguf OUT.gguf --type f32|f16|bf16|q8_0|q4_0 [--threads N]";
    }

    @Override
    public Set<String> valueFlags() {
        return Set.of("type", "threads");
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws Exception {
        List<String> files = args.requirePositionals("IN.gguf", "OUT.gguf");
        GgmlType target = weightType(args.choice("type", null, TYPES));
        Path in = Path.of(files.get(0));
        Path dst = Path.of(files.get(1));
        long start = System.nanoTime();
        try (GgufFile source = GgufFile.open(in); ComputePool pool = new ComputePool(threads(args), 0)) {
            List<GgufQuantizer.Conversion> done = GgufQuantizer.quantize(source, dst, target, pool);
            Map<String, Integer> summary = new TreeMap<>();
            for (GgufQuantizer.Conversion c : done) {
                String key = c.changesType() ? c.tensor().type() + " -> " + c.to() : "kept " + c.to();
                summary.merge(key, 1, Integer::sum);
            }
            out.printf(Locale.ROOT, "%s -> %s (%s): %d tensors %s, %d bytes, %.1f s%n", in, dst,
                    target.name(), done.size(), summary, Files.size(dst), (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }

    static GgmlType weightType(String name) {
        return GgmlType.valueOf(name.toUpperCase(Locale.ROOT));
    }

    static int threads(CliArgs args) {
        int threads = args.intValue("threads", Runtime.getRuntime().availableProcessors());
        if (threads < 1) {
            throw new CliUsageException("--threads must be at least 1, got " + threads);
        }
        return threads;
    }
}
