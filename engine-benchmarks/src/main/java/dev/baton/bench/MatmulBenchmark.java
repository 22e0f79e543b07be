package dev.baton.bench;

import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import dev.baton.engine.tensor.WeightFormat;
import dev.baton.engine.tensor.WeightFormats;
import dev.baton.engine.tensor.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@link WeightMatrix#multiply} per operation, for each weight type, the matrix shapes of llama-110m (rows ×
 * cols: attention 768×768, FFN up 2048×768, FFN down 768×2048, logits 32000×768) and batch sizes 1 (decode), 8 and 32
 * (batched decode, prefill chunks).
 *
 * <p>Decode streams every weight from memory once per token, so the matrix is replicated until the copies fill
 * {@link #FOOTPRINT_BYTES} (well past the caches) and successive operations walk through the copies: a weight read
 * here is a read from DRAM, as it is in a real forward pass. {@link KernelReport} turns operations per second into
 * GB/s of weights read.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class MatmulBenchmark {
    static final long FOOTPRINT_BYTES = 512L << 20;

    @Param({"Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K", "F16", "BF16", "F32"})
    public String type;

    /** rows × cols (outputs × inputs). */
    @Param({"768x768", "2048x768", "768x2048", "32000x768"})
    public String shape;

    @Param({"1", "8", "32"})
    public int batch;

    @Param({"1"})
    public int threads;

    private Arena arena;
    private ComputePool pool;
    private WeightMatrix[] copies;
    private float[] x;
    private float[] out;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Shape s = Shape.parse(shape);
        WeightFormat format = WeightFormats.of(GgmlType.valueOf(type));
        long matrixBytes = format.rowBytes(s.cols()) * s.rows();
        int count = (int) Math.max(1, (FOOTPRINT_BYTES + matrixBytes - 1) / matrixBytes);
        arena = Arena.ofShared();
        MemorySegment all = arena.allocate(matrixBytes * count, 64);
        MemorySegment first = all.asSlice(0, matrixBytes);
        SplittableRandom rnd = new SplittableRandom(42);
        float[] row = new float[s.cols()];
        for (int r = 0; r < s.rows(); r++) {
            gaussian(rnd, row, 0.02f);
            format.quantize(row, 0, first, r * format.rowBytes(s.cols()), s.cols());
        }
        copies = new WeightMatrix[count];
        for (int i = 0; i < count; i++) {
            MemorySegment copy = all.asSlice(i * matrixBytes, matrixBytes);
            if (i > 0) {
                copy.copyFrom(first);
            }
            copies[i] = format.matrix(copy, s.rows(), s.cols());
        }
        x = new float[batch * s.cols()];
        gaussian(rnd, x, 1f);
        out = new float[batch * s.rows()];
        pool = new ComputePool(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public float[] multiply() {
        WeightMatrix m = copies[next];
        next = next + 1 == copies.length ? 0 : next + 1;
        m.multiply(x, batch, out, pool);
        return out;
    }

    private static void gaussian(SplittableRandom rnd, float[] v, float std) {
        for (int i = 0; i < v.length; i++) {
            double u1 = 1.0 - rnd.nextDouble();
            double u2 = rnd.nextDouble();
            v[i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2) * std);
        }
    }
}
