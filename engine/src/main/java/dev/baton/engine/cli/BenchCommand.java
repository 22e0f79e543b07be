package dev.baton.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.model.ActivationEncoding;
import dev.baton.engine.model.Generator;
import dev.baton.engine.model.LlamaConfig;
import dev.baton.engine.model.LocalPipeline;
import dev.baton.engine.model.StepCapacity;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code baton bench --model M}: prefill and decode throughput of the forward pass, next to the memory read bandwidth
 * measured in the same run and the decode speed that bandwidth allows ({@code bandwidth / weight bytes per token}).
 *
 * <p>Prefill: one prompt of {@code --prompt-tokens} tokens in a single chunk. Decode at batch B: B sequences, each
 * starting from one token (as llama-bench's {@code tg} test), generating {@code --gen-tokens} tokens greedily, all
 * advanced together one token per step; {@code tps} is the aggregate over the batch. Each figure is the best of
 * {@code --repeat} runs, after a warm-up run that lets the JIT compile the kernels.
 */
final class BenchCommand implements CliCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String usage() {
        return "bench --model M [--prompt-tokens 128] [--gen-tokens 128] [--batch 1,4,16] [--threads N] [--repeat 3]"
                + " [--kv-type f16|f32|bf16] [--json]";
    }

    @Override
    public Set<String> valueFlags() {
        return Set.of("model", "prompt-tokens", "gen-tokens", "batch", "threads", "repeat", "kv-type");
    }

    @Override
    public Set<String> switches() {
        return Set.of("json");
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws Exception {
        Path modelPath = Path.of(args.required("model"));
        int promptTokens = positive(args, "prompt-tokens", 128);
        int genTokens = positive(args, "gen-tokens", 128);
        int[] batches = args.intList("batch", 1, 4, 16);
        for (int b : batches) {
            if (b < 1) {
                throw new CliUsageException("--batch sizes must be positive, got " + b);
            }
        }
        int threads = GenerateCommand.threads(args);
        int repeat = positive(args, "repeat", 3);
        GgmlType kvType = GenerateCommand.kvType(args);
        boolean json = args.has("json");
        int maxBatch = Arrays.stream(batches).max().orElse(1);

        try (GgufFile file = GgufFile.open(modelPath); ComputePool pool = new ComputePool(threads)) {
            LlamaConfig config = LlamaConfig.from(file);
            int context = Math.max(promptTokens, genTokens) + 1;
            LocalPipeline.Options options = new LocalPipeline.Options(1, ActivationEncoding.F32, kvType,
                    context, maxBatch,
                    new StepCapacity(Math.max(promptTokens, maxBatch), maxBatch));
            try (LocalPipeline pipeline = LocalPipeline.load(file, options, pool)) {
                Generator generator = new Generator(pipeline, id -> false, promptTokens);
                int[] prompt = syntheticPrompt(promptTokens, config.vocabSize());
                if (!json) {
                    out.printf(Locale.ROOT, "%s: %d layers, dim %d, %.1f MB of weights read per token, %d threads%n",
                            modelPath.getFileName(), config.layers(), config.dim(),
                            pipeline.bytesReadPerToken() / 1e6, threads);
                    out.flush();
                }
                // warm-up: the JIT compiles the kernels for prefill- and decode-shaped steps
                generator.generate(new Generator.Request(prompt, 2));
                generator.generateAll(requests(maxBatch, Math.min(genTokens, 16)));

                double prefill = 0;
                for (int i = 0; i < repeat; i++) {
                    prefill = Math.max(prefill,
                            generator.generate(new Generator.Request(prompt, 1)).prefillTokensPerSecond());
                }
                if (!json) {
                    out.printf(Locale.ROOT, "prefill %d tokens: %.1f tokens/s%n", promptTokens, prefill);
                    out.flush();
                }
                List<double[]> decode = new ArrayList<>();
                for (int batch : batches) {
                    double best = 0;
                    for (int i = 0; i < repeat; i++) {
                        best = Math.max(best, generator.generateAll(requests(batch, genTokens)).getFirst()
                                .decodeTokensPerSecond());
                    }
                    decode.add(new double[] {batch, best});
                    if (!json) {
                        out.printf(Locale.ROOT, "decode batch %d: %.1f tokens/s%n", batch, best);
                        out.flush();
                    }
                }

                long rss = peakRssMib();   // before the probe, whose buffer is not the model's
                double bandwidth = ReadBandwidthProbe.measureGigabytesPerSecond(pool);
                double bound = bandwidth * 1e9 / pipeline.bytesReadPerToken();
                if (json) {
                    ObjectNode o = JSON.createObjectNode();
                    o.put("model", modelPath.toString());
                    o.put("threads", threads);
                    o.put("prefill_tps", round(prefill));
                    ArrayNode list = o.putArray("decode");
                    for (double[] d : decode) {
                        list.addObject().put("batch", (int) d[0]).put("tps", round(d[1]));
                    }
                    o.put("bandwidth_gbs", round(bandwidth));
                    o.put("bound_tps", round(bound));
                    o.put("peak_rss_mib", rss);
                    out.println(JSON.writeValueAsString(o));
                } else {
                    out.printf(Locale.ROOT, "read bandwidth: %.1f GB/s; bound %.1f tokens/s; batch-1 decode at"
                            + " %.0f%% of the bound%n", bandwidth, bound, 100 * decode.getFirst()[1] / bound);
                    out.printf(Locale.ROOT, "peak RSS: %d MiB%n", rss);
                }
            }
        }
        return 0;
    }

    /** Sequences of one token each (distinct, so they do not produce identical work), generating {@code tokens}. */
    private static List<Generator.Request> requests(int count, int tokens) {
        List<Generator.Request> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requests.add(new Generator.Request(new int[] {1 + i}, tokens));
        }
        return requests;
    }

    /** A fixed, deterministic prompt of {@code n} ids spread over the vocabulary. */
    private static int[] syntheticPrompt(int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i == 0 ? 1 : (int) ((i * 7919L) % vocab);
        }
        return ids;
    }

    /** The process's peak resident set ({@code VmHWM}) in MiB, or -1 where /proc is not available. */
    static long peakRssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static int positive(CliArgs args, String flag, int defaultValue) {
        int v = args.intValue(flag, defaultValue);
        if (v < 1) {
            throw new CliUsageException("--" + flag + " must be positive, got " + v);
        }
        return v;
    }
}
