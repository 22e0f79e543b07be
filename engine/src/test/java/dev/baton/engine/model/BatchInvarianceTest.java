package dev.baton.engine.model;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A sequence's logits (every float, every step) and tokens are bit-identical whatever else runs with it: alone or in
 * a batch of 3 or 8 with other sequences joining at other times (prefill chunks and decode tokens mixed in one step),
 * on 1 or 2 threads, with its prompt prefilled in chunks of any size, and with the layers split into 1, 2 or 5 ranges.
 */
class BatchInvarianceTest {
    private static final int GENERATED = 12;
    private static final int[] WATCHED_PROMPT = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298};

    @ParameterizedTest
    @ValueSource(strings = {"stories260K.gguf", "TinyStories-656K-q8_0.gguf"})
    void logitsDoNotDependOnBatchThreadsChunksOrSplit(String model) throws IOException {
        try (GgufFile file = GgufFile.open(SharedFiles.model(model))) {
            Scenario alone = new Scenario(1, 1, 64, new int[] {0});
            Trace reference = alone.run(file);
            assertEquals(GENERATED, reference.tokens().size());

            List<Scenario> variants = new ArrayList<>(List.of(
                    new Scenario(1, 2, 64, new int[] {0, 0, 2}),
                    new Scenario(1, 1, 4, new int[] {3, 0, 0, 1, 5, 2, 7, 0}),
                    new Scenario(1, 2, 1, new int[] {0, 1, 1, 2, 3, 0, 4, 9}),
                    new Scenario(1, 1, 3, new int[] {0}),
                    new Scenario(2, 2, 5, new int[] {2, 0, 4})));
            int layers = LlamaConfig.from(file).layers();
            if (layers >= 5) {
                variants.add(new Scenario(5, 2, 7, new int[] {0, 3, 1, 0, 6, 2, 2, 8}));
                variants.add(new Scenario(5, 1, 64, new int[] {0}));
            }
            for (Scenario variant : variants) {
                Trace trace = variant.run(file);
                assertEquals(reference.tokens(), trace.tokens(), variant + " changed the tokens");
                for (int i = 0; i < GENERATED; i++) {
                    assertArrayEquals(reference.logits().get(i), trace.logits().get(i),
                            variant + " changed the logits of token " + i);
                }
            }
        }
    }

    /** The watched sequence's greedy tokens and the logits each was chosen from. */
    record Trace(List<Integer> tokens, List<float[]> logits) {
    }

    /**
     * Runs the watched sequence (id 0, joining at step {@code joins[0]}) with {@code joins.length - 1} others, each
     * joining at its step with its own prompt, every prompt prefilled in chunks of {@code chunk} tokens.
     */
    record Scenario(int split, int threads, int chunk, int[] joins) {

        Trace run(GgufFile file) {
            int sequences = joins.length;
            int[][] prompts = new int[sequences][];
            prompts[0] = WATCHED_PROMPT;
            for (int s = 1; s < sequences; s++) {
                prompts[s] = new int[3 + 5 * s % 17];
                for (int i = 0; i < prompts[s].length; i++) {
                    prompts[s][i] = i == 0 ? 1 : 3 + (s * 131 + i * 29) % 250;
                }
            }
            LocalPipeline.Options options = new LocalPipeline.Options(split, ActivationEncoding.F32, GgmlType.F16,
                    64, sequences, new StepCapacity(64 * sequences, sequences));
            List<Integer> tokens = new ArrayList<>();
            List<float[]> logitsSeen = new ArrayList<>();
            try (ComputePool pool = new ComputePool(threads);
                 LocalPipeline pipeline = LocalPipeline.load(file, options, pool)) {
                StepBatch batch = pipeline.capacity().newBatch();
                int[] fed = new int[sequences];
                int[] last = new int[sequences];
                int[] generated = new int[sequences];
                for (int step = 0; generated[0] < GENERATED; step++) {
                    batch.clear();
                    for (int s = 0; s < sequences; s++) {
                        if (joins[s] > step || generated[s] >= GENERATED) {
                            continue;
                        }
                        int remaining = prompts[s].length - fed[s];
                        if (remaining > 0) {
                            int n = Math.min(chunk, remaining);
                            batch.add(s, fed[s], prompts[s], fed[s], n, n == remaining);
                            fed[s] += n;
                        } else {
                            batch.add(s, fed[s]++, last[s]);
                        }
                    }
                    if (batch.segments() == 0) {
                        continue;
                    }
                    Logits logits = pipeline.step(batch);
                    for (int seg = 0; seg < batch.segments(); seg++) {
                        if (!logits.has(seg)) {
                            continue;
                        }
                        int s = (int) batch.sequenceId(seg);
                        int offset = logits.offset(seg);
                        float[] row = java.util.Arrays.copyOfRange(logits.values(), offset, offset + logits.vocab());
                        last[s] = argmax(row);
                        generated[s]++;
                        if (s == 0) {
                            tokens.add(last[s]);
                            logitsSeen.add(row);
                        }
                    }
                }
            }
            return new Trace(tokens, logitsSeen);
        }

        private static int argmax(float[] row) {
            int best = 0;
            for (int i = 1; i < row.length; i++) {
                if (row[i] > row[best]) {
                    best = i;
                }
            }
            return best;
        }

        @Override
        public String toString() {
            return "split " + split + ", " + threads + " threads, chunks of " + chunk + ", " + joins.length
                    + " sequences joining at " + java.util.Arrays.toString(joins);
        }
    }
}
