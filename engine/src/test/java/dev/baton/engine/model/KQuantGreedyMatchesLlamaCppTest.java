package dev.baton.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.SharedFiles;
import dev.baton.engine.TestPools;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kq-small in all eight types against llama.cpp's greedy goldens (../shared/testdata/golden/kquant-greedy.json). The
 * F32, F16 and BF16 files give exactly llama.cpp's 32 tokens. The quantized files are random weights with near-ties
 * (top-2 logit gaps down to 0.001), where a one-ulp difference in any sum may take the other branch; for them the
 * first token must match and every step-0 logit must be within 0.5 of llama.cpp's.
 */
class KQuantGreedyMatchesLlamaCppTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double LOGIT_TOLERANCE = 0.5;
    private static final ComputePool pool = TestPools.twoThreads();



    static Stream<JsonNode> cases() throws IOException {
        List<JsonNode> cases = new ArrayList<>();
        JSON.readTree(SharedFiles.testdata("golden/kquant-greedy.json").toFile()).get("cases").forEach(cases::add);
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void greedyContinuationMatchesLlamaCpp(JsonNode golden) throws IOException {
        String model = golden.get("model").asText();
        int[] prompt = GreedyMatchesGoldenTest.ints(golden.get("prompt_ids"));
        int[] expected = GreedyMatchesGoldenTest.ints(golden.get("generated_ids"));
        try (GgufFile file = GgufFile.open(SharedFiles.model(model))) {
            LocalPipeline.Options options = new LocalPipeline.Options(1, ActivationEncoding.F32, GgmlType.F16,
                    prompt.length + expected.length, 1, new StepCapacity(64, 1));
            try (LocalPipeline pipeline = LocalPipeline.load(file, options, pool)) {
                StepBatch batch = pipeline.capacity().newBatch().add(0, 0, prompt, 0, prompt.length, true);
                Logits logits = pipeline.step(batch);
                double worst = maxDifference(logits.values(), logits.offset(0), golden.get("step0_logits_llamacpp"));
                pipeline.release(0);
                int[] actual = new Generator(pipeline, id -> false, 64)
                        .generate(new Generator.Request(prompt, expected.length)).tokenIds();
                int agree = GreedyMatchesGoldenTest.firstDifference(expected, actual);
                if (model.matches(".*-(F32|F16|BF16)\\.gguf")) {
                    assertArrayEquals(expected, actual, () -> model + " diverges at index " + agree);
                } else {
                    assertEquals(expected[0], actual[0], model + ": first token");
                }
                assertTrue(worst < LOGIT_TOLERANCE, model + ": step-0 logits differ by " + worst);
            }
        }
    }

    private static double maxDifference(float[] logits, int offset, JsonNode expected) {
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            worst = Math.max(worst, Math.abs(logits[offset + i] - expected.get(i).asDouble()));
        }
        return worst;
    }
}
