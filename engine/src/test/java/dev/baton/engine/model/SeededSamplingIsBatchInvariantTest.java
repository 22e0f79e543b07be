package dev.baton.engine.model;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A request sampled with a seed (temperature, top-k, top-p, min-p, repetition penalty) gets the same tokens through
 * the {@link Generator} whether it runs alone or in a batch of 3 or 8 requests with other sampling settings, on 1 or
 * 2 threads, with the layers in 1, 2 or 5 ranges, and with its prompt prefilled in chunks of any size.
 */
class SeededSamplingIsBatchInvariantTest {
    private static final int TOKENS = 40;
    private static final int[] PROMPT = {1, 403, 407, 261, 378, 432, 383};
    private static final SamplingParams SEEDED = new SamplingParams(0.9f, 40, 0.95f, 0.05f, 1.1f, 0f, 0f, 64, 1234L,
            -1);

    @ParameterizedTest
    @ValueSource(strings = {"stories260K.gguf", "TinyStories-656K-q8_0.gguf"})
    void seededTokensDoNotDependOnBatchThreadsChunksOrSplit(String model) throws IOException {
        try (GgufFile file = GgufFile.open(SharedFiles.model(model))) {
            int[] alone = run(file, 1, 1, 64, 1, SEEDED);
            assertEquals(TOKENS, alone.length);
            assertFalse(java.util.Arrays.equals(alone, run(file, 1, 1, 64, 1, SamplingParams.greedy())),
                    "sampling at temperature 0.9 should leave the greedy path");
            assertFalse(java.util.Arrays.equals(alone, run(file, 1, 1, 64, 1, withSeed(SEEDED, 99))),
                    "another seed should draw other tokens");

            int layers = LlamaConfig.from(file).layers();
            assertArrayEquals(alone, run(file, 1, 2, 3, 3, SEEDED), "batch of 3, 2 threads");
            assertArrayEquals(alone, run(file, 2, 1, 5, 8, SEEDED), "batch of 8, 2 ranges");
            if (layers >= 5) {
                assertArrayEquals(alone, run(file, 5, 2, 64, 8, SEEDED), "batch of 8, 5 ranges, 2 threads");
                assertArrayEquals(alone, run(file, 5, 1, 2, 1, SEEDED), "alone, 5 ranges, chunks of 2");
            }
        }
    }

    /** The watched request's tokens, generated with {@code companions - 1} other requests beside it. */
    private static int[] run(GgufFile file, int split, int threads, int chunk, int companions,
                             SamplingParams watched) {
        List<Generator.Request> requests = new ArrayList<>();
        for (int s = 1; s < companions; s++) {
            int[] prompt = new int[1 + 3 * s % 11];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = i == 0 ? 1 : 3 + (s * 71 + i * 37) % 250;
            }
            SamplingParams params = s % 2 == 0 ? SamplingParams.greedy() : withSeed(SEEDED, s);
            requests.add(new Generator.Request(prompt, params, TOKENS / 2 + 3 * s, (index, id) -> {
            }));
        }
        // the watched request joins in the middle of the list, so its rows sit among the others' in each step
        requests.add(requests.size() / 2, new Generator.Request(PROMPT, watched, TOKENS, (index, id) -> {
        }));
        LocalPipeline.Options options = new LocalPipeline.Options(split, ActivationEncoding.F32, GgmlType.F16, 64,
                companions, new StepCapacity(64, companions));
        try (ComputePool pool = new ComputePool(threads);
             LocalPipeline pipeline = LocalPipeline.load(file, options, pool)) {
            return new Generator(pipeline, id -> false, chunk).generateAll(requests).get((companions - 1) / 2)
                    .tokenIds();
        }
    }

    private static SamplingParams withSeed(SamplingParams p, long seed) {
        return new SamplingParams(p.temperature(), p.topK(), p.topP(), p.minP(), p.repetitionPenalty(),
                p.presencePenalty(), p.frequencyPenalty(), p.penaltyLastN(), seed, p.topLogprobs());
    }
}
