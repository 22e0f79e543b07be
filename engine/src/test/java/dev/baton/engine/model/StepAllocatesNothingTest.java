package dev.baton.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Once warmed up, a step allocates nothing on the heap: decode steps of a batch and prefill chunks, through one range
 * or through split ranges with activations serialized between them. Measured with the JVM's per-thread allocation
 * counter on the calling thread, with a one-thread pool so all the work runs there.
 *
 * <p>Each case runs in a fresh JVM, as a worker serves one model: the JIT's type profiles of the shared kernel call
 * sites, polluted by the weight types of models run earlier in the same JVM, decide whether C2 inlines a kernel (and
 * so whether its vectors stay in registers); a fresh JVM per model is what production sees.
 */
class StepAllocatesNothingTest {
    private static final long WARM_UP_NANOS = 120_000_000_000L;

    @ParameterizedTest(name = "{0}, split {1}")
    @CsvSource({"stories260K.gguf, 1", "stories260K.gguf, 2", "TinyStories-656K-q8_0.gguf, 1",
        "kquant/kq-small-Q4_K_M.gguf, 1"})
    void stepsAllocateNothing(String model, int split) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process probe = new ProcessBuilder(List.of(java.toString(), "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), Probe.class.getName(),
                SharedFiles.model(model).toString(), Integer.toString(split)))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!probe.waitFor(WARM_UP_NANOS + 60_000_000_000L, TimeUnit.NANOSECONDS)) {
            probe.destroyForcibly();
        }
        assertEquals(0, probe.exitValue(), "probe failed: " + out);
        assertEquals("0", out, "bytes allocated by a round of 12 steps after two minutes of warm-up");
    }

    /** Runs rounds of steps on one model until three rounds in a row allocate nothing; prints the last count. */
    static final class Probe {
        private static final com.sun.management.ThreadMXBean THREADS =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        public static void main(String[] args) throws IOException {
            System.out.println(allocatedPerRound(Path.of(args[0]), Integer.parseInt(args[1])));
        }

        static long allocatedPerRound(Path model, int split) throws IOException {
            int sequences = 4;
            int chunk = 8;
            try (GgufFile file = GgufFile.open(model);
                 ComputePool pool = new ComputePool(1);
                 LocalPipeline pipeline = LocalPipeline.load(file, new LocalPipeline.Options(split,
                         ActivationEncoding.BF16, GgmlType.F16, 512, sequences, new StepCapacity(64, sequences)),
                         pool)) {
                StepBatch batch = pipeline.capacity().newBatch();
                int[] prompt = new int[chunk];
                for (int i = 0; i < chunk; i++) {
                    prompt[i] = 1 + i * 7;
                }
                long thread = Thread.currentThread().threadId();
                // Interpreted Vector API code allocates; repeat identical rounds until the JIT has compiled the loops
                // (slow on a busy machine) and three rounds in a row allocate nothing.
                long allocated = -1;
                int zeroRounds = 0;
                long deadline = System.nanoTime() + WARM_UP_NANOS;
                while (zeroRounds < 3 && System.nanoTime() < deadline) {
                    for (int s = 0; s < sequences; s++) {
                        pipeline.release(s);
                    }
                    long before = THREADS.getThreadAllocatedBytes(thread);
                    int position = 0;
                    for (int step = 0; step < 12; step++) {
                        batch.clear();
                        for (int s = 0; s < sequences; s++) {
                            if (step < 2) {
                                batch.add(s, position, prompt, 0, chunk, step == 1);
                            } else {
                                batch.add(s, position, 1 + (step * 13 + s) % 200);
                            }
                        }
                        pipeline.step(batch);
                        position += step < 2 ? chunk : 1;
                    }
                    allocated = THREADS.getThreadAllocatedBytes(thread) - before;
                    zeroRounds = allocated == 0 ? zeroRounds + 1 : 0;
                }
                return allocated;
            }
        }
    }
}
