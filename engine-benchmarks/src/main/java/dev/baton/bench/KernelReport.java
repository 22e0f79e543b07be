package dev.baton.bench;

import dev.baton.engine.tensor.GgmlType;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the kernel benchmarks and prints them as a Markdown table of weight bytes read per second, next to the
 * machine's streaming read bandwidth measured in the same run (before and after the kernels, since these shared
 * machines drift). Each figure also comes per CPU second the benchmark JVM got ({@link CpuShareProfiler}): on a
 * shared machine a benchmark may get a fraction of a core, which the wall-clock figures mostly measure; the fraction
 * of read bandwidth compares per-CPU-second figures of kernel and streaming read.
 *
 * <pre>usage: KernelReport [METHOD_REGEX] [-p PARAM=V1,V2 ...] [--quick]</pre>
 * e.g. {@code -p type=Q8_0,Q4_0 -p batch=1 -p threads=1,2}. {@code --quick} runs fewer, shorter iterations.
 */
public final class KernelReport {
    private KernelReport() {
    }

    public static void main(String[] args) throws RunnerException {
        String filter = MatmulBenchmark.class.getSimpleName();
        List<String[]> params = new ArrayList<>();
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "-p" -> {
                    if (i + 1 >= args.length || !args[i + 1].contains("=")) {
                        throw new IllegalArgumentException("-p needs NAME=V1,V2");
                    }
                    String[] kv = args[++i].split("=", 2);
                    params.add(new String[] {kv[0], kv[1]});
                }
                default -> filter = MatmulBenchmark.class.getSimpleName() + ".*" + args[i];
            }
        }
        double loadBefore = loadAverage();
        Rate before = bandwidth(quick);
        ChainedOptionsBuilder options = options(quick).include(filter).addProfiler(GCProfiler.class)
                .addProfiler(CpuShareProfiler.class);
        for (String[] p : params) {
            options.param(p[0], p[1].split(","));
        }
        Collection<RunResult> kernels = new Runner(options.build()).run();
        Rate after = bandwidth(quick);
        double readPerCpu = (before.perCpu() + after.perCpu()) / 2;
        System.out.println();
        System.out.printf(Locale.ROOT, "Load average %.1f before, %.1f after. Read bandwidth (1 thread, %d MiB"
                + " streamed): %.1f GB/s wall (%.1f per CPU s) before, %.1f GB/s wall (%.1f per CPU s) after the"
                + " kernels; mean %.1f GB/s per CPU s%n%n", loadBefore, loadAverage(), ReadBandwidthBenchmark.BYTES >> 20,
                before.wall(), before.perCpu(), after.wall(), after.perCpu(), readPerCpu);
        System.out.println("| type | rows×cols | batch | threads | µs/op wall | CPU share | weights GB/s wall | GB/s per"
                + " CPU s | of read BW | GFLOP/s per CPU s | alloc B/op |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (RunResult r : kernels) {
            BenchmarkParams bp = r.getParams();
            GgmlType type = GgmlType.valueOf(bp.getParam("type"));
            Shape shape = Shape.parse(bp.getParam("shape"));
            int batch = Integer.parseInt(bp.getParam("batch"));
            double opsPerSecond = r.getPrimaryResult().getScore();
            double bytes = (double) type.byteSize(shape.cols()) * shape.rows();
            double share = cpuShare(r);
            double gbs = opsPerSecond * bytes / 1e9;
            double gflops = opsPerSecond * 2.0 * shape.rows() * shape.cols() * batch / 1e9;
            System.out.printf(Locale.ROOT, "| %s | %d×%d | %d | %s | %.1f | %.2f | %.1f | %.1f | %.0f %% | %.1f | %s |%n",
                    type, shape.rows(), shape.cols(), batch, bp.getParam("threads"), 1e6 / opsPerSecond, share, gbs,
                    gbs / share, 100 * gbs / share / readPerCpu, gflops / share, allocation(r));
        }
    }

    /** Streaming read bandwidth in GB/s, by the wall clock and per CPU second. */
    private record Rate(double wall, double perCpu) {
    }

    private static Rate bandwidth(boolean quick) throws RunnerException {
        RunResult r = new Runner(options(quick).include(ReadBandwidthBenchmark.class.getSimpleName())
                .addProfiler(CpuShareProfiler.class).build()).runSingle();
        double wall = r.getPrimaryResult().getScore() * ReadBandwidthBenchmark.BYTES / 1e9;
        return new Rate(wall, wall / cpuShare(r));
    }

    private static double cpuShare(RunResult r) {
        Result<?> share = r.getSecondaryResults().get("cpu.share");
        return share == null ? 1.0 : share.getScore();
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static ChainedOptionsBuilder options(boolean quick) {
        ChainedOptionsBuilder b = new OptionsBuilder();
        if (quick) {
            b.warmupIterations(4).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.milliseconds(500));
        }
        return b;
    }

    private static String allocation(RunResult r) {
        for (var e : r.getSecondaryResults().entrySet()) {
            if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                Result<?> a = e.getValue();
                return String.format(Locale.ROOT, "%.0f", a.getScore());
            }
        }
        return "–";
    }
}
