package dev.baton.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufFileType;
import dev.baton.engine.gguf.GgufQuantizer;
import dev.baton.engine.gguf.GgufTensorInfo;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file with six tensor types decodes as llama.cpp decodes it: stories260K written as {@code q3_k_m} by our quantizer
 * holds F32 norms, F16 (ffn_down, rows of 172 fit no block), Q4_0 and Q5_0 (the K-quants' fallbacks for rows of 64),
 * Q5_1 (attn_v) and Q8_0 (output). The expected ids are llama.cpp's greedy continuation of "Once upon a time" on that
 * same file (node-llama-cpp 3.22.1 = llama.cpp de3ff81, CPU, default context: F16 KV cache, flash attention auto).
 */
class MixedTypeFileDecodesLikeLlamaCppTest {
    private static final int[] PROMPT = {1, 403, 407, 261, 378};
    private static final int[] LLAMA_CPP = {432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267,
        337, 335, 311, 267, 422, 419, 269, 311, 374, 419, 426, 385, 328, 432, 358, 263, 377, 267, 265, 282, 295, 433, 267,
        337, 335, 311, 374, 419, 426, 342, 394, 261, 370, 259, 276, 411, 269, 391, 266, 267, 337, 335, 312, 426, 13, 438,
        310, 286, 384};

    @TempDir
    Path tmp;

    @Test
    void sixTypesInOneFileGiveLlamaCppsTokens() throws IOException {
        Path mixed = tmp.resolve("stories260K-q3_k_m.gguf");
        try (ComputePool pool = new ComputePool(2)) {
            try (GgufFile source = GgufFile.open(SharedFiles.model("stories260K.gguf"))) {
                GgufQuantizer.quantize(source, mixed, GgufFileType.MOSTLY_Q3_K_M, pool);
            }
            try (GgufFile file = GgufFile.open(mixed)) {
                Set<GgmlType> types = file.tensors().stream().map(GgufTensorInfo::type)
                        .collect(Collectors.toCollection(() -> EnumSet.noneOf(GgmlType.class)));
                assertEquals(EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q5_1,
                        GgmlType.Q8_0), types);
                LocalPipeline.Options options = new LocalPipeline.Options(1, ActivationEncoding.F32, GgmlType.F16,
                        PROMPT.length + LLAMA_CPP.length, 1, new StepCapacity(64, 1));
                try (LocalPipeline pipeline = LocalPipeline.load(file, options, pool)) {
                    int[] actual = new Generator(pipeline, id -> false, 64)
                            .generate(new Generator.Request(PROMPT, LLAMA_CPP.length)).tokenIds();
                    assertArrayEquals(LLAMA_CPP, actual, () -> "diverges at index "
                            + GreedyMatchesGoldenTest.firstDifference(LLAMA_CPP, actual));
                }
            }
        }
    }
}
