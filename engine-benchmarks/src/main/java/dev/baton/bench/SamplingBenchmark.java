package dev.baton.bench;

import dev.baton.engine.sampling.SampledToken;
import dev.baton.engine.sampling.Sampler;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.engine.sampling.TokenHistory;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One token sampled from one row of logits, per sampling configuration, at a Llama 2 (32000) and a Llama 3 (128256)
 * vocabulary size. The logits are Gaussian with standard deviation 3: a flat distribution, the hard case for top-p,
 * whose nucleus then holds tens of thousands of tokens (a confident model's holds a handful).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SamplingBenchmark {
    @Param({"32000", "128256"})
    public int vocab;

    /** greedy; temperature 0.8 alone; with top-p 0.95; with top-k 40; llama.cpp's defaults (k 40, p 0.95, min-p 0.05). */
    @Param({"greedy", "temperature", "top-p", "top-k", "llama-cpp-defaults"})
    public String mode;

    private Sampler sampler;
    private float[] logits;
    private SamplingParams params;
    private TokenHistory history;
    private int step;

    @Setup
    public void setUp() {
        Random random = new Random(3);
        logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) random.nextGaussian() * 3;
        }
        sampler = new Sampler(vocab);
        history = new TokenHistory(new int[] {1, 2, 3});
        params = switch (mode) {
            case "greedy" -> SamplingParams.greedy();
            case "temperature" -> new SamplingParams(0.8f, 0, 1f, 0f, 1f, 0f, 0f, 64, 7L, -1);
            case "top-p" -> new SamplingParams(0.8f, 0, 0.95f, 0f, 1f, 0f, 0f, 64, 7L, -1);
            case "top-k" -> new SamplingParams(0.8f, 40, 1f, 0f, 1f, 0f, 0f, 64, 7L, -1);
            case "llama-cpp-defaults" -> new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 0f, 0f, 64, 7L, -1);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        };
    }

    @Benchmark
    public SampledToken sample() {
        return sampler.sample(logits, 0, params, step++, history);
    }
}
