package dev.baton.engine.model;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.TestPools;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Generation stops where it should, reports what it generated, and leaves no KV memory behind. */
class GeneratorTest {
    static final int[] PROMPT = {1, 403, 407, 261, 378};
    static final int[] GOLDEN_START = {432, 383, 286, 261, 376, 298, 315, 421, 395, 317};
    static GgufFile file;
    static final ComputePool pool = TestPools.twoThreads();

    @BeforeAll
    static void open() throws IOException {
        file = GgufFile.open(SharedFiles.model("stories260K.gguf"));
    }

    @AfterAll
    static void close() {
        file.close();
    }

    static LocalPipeline pipeline(int maxContext, int sequences) {
        return LocalPipeline.load(file, new LocalPipeline.Options(1, ActivationEncoding.F32, GgmlType.F16,
                maxContext, sequences, new StepCapacity(16, sequences)), pool);
    }

    @Test
    void stopsAtTheTokenLimitAndStreamsEveryToken() {
        try (LocalPipeline pipeline = pipeline(64, 1)) {
            List<Integer> heard = new ArrayList<>();
            Generator.Result r = new Generator(pipeline, id -> false, 2).generate(new Generator.Request(PROMPT,
                    SamplingParams.greedy(), 10, (index, id) -> {
                        assertEquals(heard.size(), index);
                        heard.add(id);
                    }));
            assertArrayEquals(GOLDEN_START, r.tokenIds());
            assertEquals(Generator.FinishReason.LENGTH, r.finishReason());
            assertEquals(Arrays.stream(GOLDEN_START).boxed().toList(), heard);
            assertEquals(PROMPT.length, r.prefillTokens());
            assertEquals(9, r.decodeTokens(), "the first token comes from the prefill's logits");
            assertEquals(0, pipeline.stages().getFirst().cache().usedPages());
        }
    }

    @Test
    void stopsAtAnEndOfGenerationTokenWithoutEmittingIt() {
        try (LocalPipeline pipeline = pipeline(64, 1)) {
            Generator.Result r = new Generator(pipeline, id -> id == GOLDEN_START[4], 64)
                    .generate(new Generator.Request(PROMPT, 50));
            assertArrayEquals(Arrays.copyOf(GOLDEN_START, 4), r.tokenIds());
            assertEquals(Generator.FinishReason.STOP, r.finishReason());
        }
    }

    @Test
    void stopsAtTheContextLimit() {
        try (LocalPipeline pipeline = pipeline(12, 1)) {
            Generator generator = new Generator(pipeline, id -> false, 64);
            Generator.Result r = generator.generate(new Generator.Request(PROMPT, 50));
            assertEquals(12 - PROMPT.length + 1, r.tokenIds().length, "the last token needs no position of its own");
            assertEquals(Generator.FinishReason.LENGTH, r.finishReason());
            assertThrows(ContextLengthExceededException.class,
                    () -> generator.generate(new Generator.Request(new int[12], 1)));
        }
    }

    @Test
    void batchedRequestsGiveTheirOwnResultsAndFreeTheirMemory() {
        try (LocalPipeline pipeline = pipeline(64, 3)) {
            Generator generator = new Generator(pipeline, id -> false, 3);
            List<Generator.Result> results = generator.generateAll(List.of(
                    new Generator.Request(new int[] {1}, 7), new Generator.Request(PROMPT, 10),
                    new Generator.Request(new int[] {1, 403}, 0)));
            assertArrayEquals(GOLDEN_START, results.get(1).tokenIds());
            assertEquals(7, results.get(0).tokenIds().length);
            assertEquals(0, results.get(2).tokenIds().length);
            for (LlamaStage stage : pipeline.stages()) {
                assertEquals(0, stage.cache().usedPages());
                assertEquals(0, stage.cache().sequenceCount());
            }
        }
    }
}
