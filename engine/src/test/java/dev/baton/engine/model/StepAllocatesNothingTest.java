package dev.baton.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.engine.FreshJvm;
import dev.baton.engine.SharedFiles;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.SyntheticLlama;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Once warmed up, a step allocates nothing on the heap: prefill chunks and decode steps of 1, 2, 4 and 16 sequences,
 * through one range or through split ranges with activations serialized between them. Measured with the JVM's
 * per-thread allocation counter on the calling thread, with a one-thread pool so all the work runs there.
 *
 * <p>Each case runs in a fresh JVM, as a worker serves one model: the JIT's type profiles of the shared kernel call
 * sites, polluted by the weight types of models run earlier in the same JVM, decide whether C2 inlines a kernel (and
 * so whether its vectors stay in registers); a fresh JVM per model is what production sees.
 */
class StepAllocatesNothingTest {
    private static final long WARM_UP_NANOS = 120_000_000_000L;

    /**
     * Decode-shaped rows (768 columns, the llama-110m shape): long enough for every kernel's full loops, not only their
     * tails.
     */
    private static final SyntheticLlama.Shape DECODE_SHAPED = new SyntheticLlama.Shape("decode-768", 768, 1, 12, 12,
            2048, 256);

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}, split {1}")
    @CsvSource({"stories260K.gguf, 1", "stories260K.gguf, 2", "TinyStories-656K-q8_0.gguf, 1",
        "kquant/kq-small-Q4_K_M.gguf, 1"})
    void stepsAllocateNothing(String model, int split) throws IOException, InterruptedException {
        assertProbeAllocatesNothing(SharedFiles.model(model), split, List.of());
    }

    /**
     * Whether C2 inlines one of our methods into another depends on call-site profiles at the moment it compiles, so
     * code that passed vectors to a method of ours allocated in some JVMs only (its vectors boxed at the call). The
     * engine must not depend on that: with C2 forbidden to inline any engine method, steps of a model whose rows are as
     * long as a real decoder's (kernels, attention, SwiGLU) still allocate nothing, in every JVM.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K", "F32", "F16"})
    void stepsAllocateNothingEvenWhenTheEnginesOwnMethodsAreNotInlined(GgmlType type)
            throws IOException, InterruptedException {
        Path model = tmp.resolve("decode-768-" + type + ".gguf");
        try (GgufFile vocabulary = GgufFile.open(SharedFiles.model("stories260K.gguf"));
                ComputePool pool = new ComputePool(1)) {
            SyntheticLlama.write(model, DECODE_SHAPED, type, vocabulary.metadata(), 11, pool);
        }
        assertProbeAllocatesNothing(model, 1, FreshJvm.NOTHING_OF_OURS_INLINED);
    }

    private static void assertProbeAllocatesNothing(Path model, int split, List<String> jvmFlags)
            throws IOException, InterruptedException {
        String out = FreshJvm.run(Probe.class, jvmFlags, Duration.ofNanos(WARM_UP_NANOS).plusMinutes(1),
                model.toString(), Integer.toString(split));
        assertEquals("0", out, "bytes allocated by a round of 12 steps after two minutes of warm-up");
    }

    /** Runs rounds of steps on one model until three rounds in a row allocate nothing; prints the last count. */
    static final class Probe {
        private static final int[] DECODE_BATCHES = {1, 2, 4, 16};
        private static final com.sun.management.ThreadMXBean THREADS =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        public static void main(String[] args) throws IOException {
            System.out.println(allocatedPerRound(Path.of(args[0]), Integer.parseInt(args[1])));
        }

        static long allocatedPerRound(Path model, int split) throws IOException {
            int sequences = 16;
            int chunk = 8;
            try (GgufFile file = GgufFile.open(model);
                 ComputePool pool = new ComputePool(1);
                 LocalPipeline pipeline = LocalPipeline.load(file, new LocalPipeline.Options(split,
                         ActivationEncoding.BF16, GgmlType.F16, 512, sequences, new StepCapacity(sequences * chunk, sequences)),
                         pool)) {
                StepBatch batch = pipeline.capacity().newBatch();
                int[] prompt = new int[chunk];
                for (int i = 0; i < chunk; i++) {
                    prompt[i] = 1 + i * 7;
                }
                long thread = Thread.currentThread().threadId();
                // Interpreted Vector API code allocates; repeat identical rounds until the JIT has compiled the loops
                // (slow on a busy machine) and three rounds in a row allocate nothing.
                int[] positions = new int[sequences];
                long allocated = -1;
                int zeroRounds = 0;
                long deadline = System.nanoTime() + WARM_UP_NANOS;
                while (zeroRounds < 3 && System.nanoTime() < deadline) {
                    for (int s = 0; s < sequences; s++) {
                        pipeline.release(s);
                    }
                    Arrays.fill(positions, 0);
                    long before = THREADS.getThreadAllocatedBytes(thread);
                    for (int step = 0; step < 12; step++) {
                        batch.clear();
                        // decode steps of 1, 2, 4 and 16 sequences: kernels switch at small batch sizes, and 16 takes
                        // the batch-lane register tiles
                        int active = step < 2 ? sequences : DECODE_BATCHES[step % DECODE_BATCHES.length];
                        for (int s = 0; s < active; s++) {
                            if (step < 2) {
                                batch.add(s, positions[s], prompt, 0, chunk, step == 1);
                                positions[s] += chunk;
                            } else {
                                batch.add(s, positions[s], 1 + (step * 13 + s) % 200);
                                positions[s]++;
                            }
                        }
                        pipeline.step(batch);
                    }
                    allocated = THREADS.getThreadAllocatedBytes(thread) - before;
                    zeroRounds = allocated == 0 ? zeroRounds + 1 : 0;
                }
                return allocated;
            }
        }
    }
}
