package dev.baton.engine.model;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Once warmed up, a step allocates nothing on the heap: decode steps of a batch and prefill chunks, through one range
 * or through split ranges with activations serialized between them. Measured with the JVM's per-thread allocation
 * counter on the calling thread, with a one-thread pool so all the work runs there.
 */
class StepAllocatesNothingTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest(name = "{0}, split {1}")
    @CsvSource({"stories260K.gguf, 1", "stories260K.gguf, 2", "TinyStories-656K-q8_0.gguf, 1",
        "kquant/kq-small-Q4_K_M.gguf, 1"})
    void stepsAllocateNothing(String model, int split) throws IOException {
        int sequences = 4;
        int chunk = 8;
        try (GgufFile file = GgufFile.open(SharedFiles.model(model));
             ComputePool pool = new ComputePool(1);
             LocalPipeline pipeline = LocalPipeline.load(file, new LocalPipeline.Options(split,
                     ActivationEncoding.BF16, GgmlType.F16, 512, sequences, new StepCapacity(64, sequences)), pool)) {
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
            long deadline = System.nanoTime() + 120_000_000_000L;
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
            assertEquals(0, allocated, "bytes allocated by a round of 12 steps after two minutes of warm-up");
        }
    }
}
