package dev.baton.bench.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.bench.CpuShareProfiler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the tokenizer benchmarks and prints them as Markdown tables: MB/s per vocabulary and direction, then the
 * 1 MB / 100 KB time ratio of each hostile input. The machines are shared, so each figure also comes per CPU second
 * the benchmark JVM actually got ({@link CpuShareProfiler}), and the load average is printed with them.
 *
 * <pre>usage: TokenizerReport [--quick] [-p PARAM=V1,V2 ...] [--documents FILE]</pre>
 * {@code -p vocab=gpt-2} narrows the throughput benchmark, {@code -p input=spm-letters} the scaling one.
 * {@code --documents FILE} runs nothing: it writes the throughput benchmark's text as JSON lines (one document per
 * line, as {@code bin/baton tokenize --jsonl} reads), for measuring another tokenizer on the same text.
 */
public final class TokenizerReport {
    private TokenizerReport() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        boolean quick = false;
        Map<String, String[]> params = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "-p" -> {
                    if (i + 1 >= args.length || !args[i + 1].contains("=")) {
                        throw new IllegalArgumentException("-p needs NAME=V1,V2");
                    }
                    String[] kv = args[++i].split("=", 2);
                    params.put(kv[0], kv[1].split(","));
                }
                case "--documents" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--documents needs a file");
                    }
                    writeDocuments(Path.of(args[++i]));
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (usage: [--quick] [-p PARAM=V1,V2 ...] [--documents FILE])");
            }
        }
        System.out.printf(Locale.ROOT, "load average before: %.1f%n", loadAverage());
        Collection<RunResult> throughput = run(TokenizerThroughputBenchmark.class, quick, params, "vocab");
        Collection<RunResult> scaling = run(HostileInputScalingBenchmark.class, quick, params, "input", "size");
        System.out.printf(Locale.ROOT, "%nload average after: %.1f%n%n", loadAverage());
        printThroughput(throughput);
        System.out.println();
        printScaling(scaling);
    }

    private static Collection<RunResult> run(Class<?> benchmark, boolean quick, Map<String, String[]> params,
                                             String... own) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder().include(benchmark.getName() + "\\.")
                .addProfiler(CpuShareProfiler.class);
        if (quick) {
            options.warmupIterations(2).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1));
        }
        for (String name : own) {
            if (params.containsKey(name)) {
                options.param(name, params.get(name));
            }
        }
        return new Runner(options.build()).run();
    }

    private static void printThroughput(Collection<RunResult> results) {
        System.out.println("| vocabulary | benchmark | MB/s (wall) | CPU share | MB per CPU second |");
        System.out.println("|---|---|---:|---:|---:|");
        for (RunResult r : results) {
            String benchmark = r.getParams().getBenchmark();
            double share = cpuShare(r);
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %.1f |%n", r.getParams().getParam("vocab"),
                    benchmark.substring(benchmark.lastIndexOf('.') + 1), scoreWithError(r.getPrimaryResult()), share,
                    r.getPrimaryResult().getScore() / share);
        }
    }

    private static void printScaling(Collection<RunResult> results) {
        System.out.println("| hostile input | 100 KB ms (CPU ms) | 1 MB ms (CPU ms) | 1 MB / 100 KB (CPU) |");
        System.out.println("|---|---:|---:|---:|");
        Map<String, double[]> byInput = new LinkedHashMap<>();
        for (RunResult r : results) {
            double[] ms = byInput.computeIfAbsent(r.getParams().getParam("input"), i -> new double[4]);
            int at = r.getParams().getParam("size").equals("100000") ? 0 : 2;
            ms[at] = r.getPrimaryResult().getScore();
            ms[at + 1] = ms[at] * cpuShare(r);
        }
        byInput.forEach((input, ms) -> System.out.printf(Locale.ROOT, "| %s | %.1f (%.1f) | %.1f (%.1f) | %s (%s) |%n",
                input, ms[0], ms[1], ms[2], ms[3], ratio(ms[2], ms[0]), ratio(ms[3], ms[1])));
    }

    private static String ratio(double large, double small) {
        return large > 0 && small > 0 ? String.format(Locale.ROOT, "%.1f×", large / small) : "–";
    }

    private static double cpuShare(RunResult r) {
        Result<?> share = r.getSecondaryResults().get("cpu.share");
        return share == null ? Double.NaN : share.getScore();
    }

    private static String scoreWithError(Result<?> result) {
        double error = result.getScoreError();
        return Double.isNaN(error) ? String.format(Locale.ROOT, "%.1f", result.getScore())
                : String.format(Locale.ROOT, "%.1f ± %.1f", result.getScore(), error);
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void writeDocuments(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (String document : TokenizerThroughputBenchmark.documents()) {
            lines.add(json.writeValueAsString(document));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
