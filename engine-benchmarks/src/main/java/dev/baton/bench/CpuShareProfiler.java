package dev.baton.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * The share of one CPU the benchmark JVM got during each iteration: its process CPU time over wall time. On these
 * shared machines a single-threaded benchmark often runs at a fraction of a core; dividing its score by this share
 * gives the throughput per CPU second, which other processes' load barely moves. Reported as {@code cpu.share}.
 */
public final class CpuShareProfiler implements InternalProfiler {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private long cpuStart;
    private long wallStart;

    @Override
    public String getDescription() {
        return "process CPU time / wall time per iteration";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpuStart = OS.getProcessCpuTime();
        wallStart = System.nanoTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        double share = (double) (OS.getProcessCpuTime() - cpuStart) / (System.nanoTime() - wallStart);
        return List.of(new ScalarResult("cpu.share", share, "CPUs", AggregationPolicy.AVG));
    }
}
