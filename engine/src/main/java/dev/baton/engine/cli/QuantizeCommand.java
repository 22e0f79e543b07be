package dev.baton.engine.cli;

import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufFileType;
import dev.baton.engine.gguf.GgufQuantizer;
import dev.baton.engine.tensor.ComputePool;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code baton quantize IN OUT --type T}: rewrites a model as llama-quantize's file type T (see
 * {@link GgufQuantizer}).
 */
final class QuantizeCommand implements CliCommand {
    static final List<String> TYPES = GgufFileType.cliNames();

    @Override
    public String name() {
        return "quantize";
    }

    @Override
    public String usage() {
        return "quantize IN.gguf OUT.gguf --type " + String.join("|", TYPES) + " [--threads N]";
    }

    @Override
    public Set<String> valueFlags() {
        return Set.of("type", "threads");
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws Exception {
        List<String> files = args.requirePositionals("IN.gguf", "OUT.gguf");
        GgufFileType target = GgufFileType.byCliName(args.choice("type", null, TYPES)).orElseThrow();
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
                    target.cliName(), done.size(), summary, Files.size(dst), (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }

    static int threads(CliArgs args) {
        int threads = args.intValue("threads", Runtime.getRuntime().availableProcessors());
        if (threads < 1) {
            throw new CliUsageException("--threads must be at least 1, got " + threads);
        }
        return threads;
    }
}
