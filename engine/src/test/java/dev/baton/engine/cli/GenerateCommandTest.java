package dev.baton.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.SharedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code baton generate} end to end: text prompt through the tokenizer, the model, and back to text. */
class GenerateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    static Stream<Arguments> goldens() throws IOException {
        JsonNode stories = JSON.readTree(SharedFiles.testdata("golden/stories260K-greedy.json").toFile());
        JsonNode tiny = JSON.readTree(SharedFiles.testdata("golden/TinyStories-656K-greedy.json").toFile());
        Stream.Builder<Arguments> cases = Stream.builder();
        for (JsonNode c : stories.get("cases")) {
            cases.add(Arguments.of("stories260K.gguf", c.get("prompt_ids"), c.get("generated_ids")));
        }
        for (String type : new String[] {"f32", "f16"}) {
            cases.add(Arguments.of("TinyStories-656K-" + type + ".gguf", tiny.get("prompt_ids"),
                    tiny.get("f32_generated_ids")));
        }
        cases.add(Arguments.of("TinyStories-656K-q8_0.gguf", tiny.get("prompt_ids"), tiny.get("q8_0_generated_ids")));
        return cases.build();
    }

    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource("goldens")
    void greedyIdsEqualTheGoldens(String model, JsonNode promptIds, JsonNode expected) throws Exception {
        List<String> ids = new ArrayList<>();
        promptIds.forEach(id -> ids.add(id.asText()));
        CliRun r = run("generate", "--model", SharedFiles.model(model).toString(), "--prompt-ids",
                String.join(",", ids), "--max-tokens", String.valueOf(expected.size()), "--temperature", "0",
                "--threads", "2", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode o = JSON.readTree(r.out());
        assertEquals(promptIds, o.get("prompt_ids"));
        assertEquals(expected, o.get("token_ids"));
        assertEquals("length", o.get("finish_reason").asText());
    }

    @Test
    void seededSamplingGivesTheSameTokensForAnySplitAndThreadCount() throws Exception {
        String model = SharedFiles.model("stories260K.gguf").toString();
        JsonNode reference = null;
        for (String[] layout : new String[][] {{"1", "1"}, {"2", "2"}, {"5", "1"}}) {
            CliRun r = run("generate", "--model", model, "--prompt", "Once upon a time", "--max-tokens", "30",
                    "--temperature", "0.8", "--top-k", "40", "--top-p", "0.9", "--seed", "7", "--split", layout[0],
                    "--threads", layout[1], "--json");
            assertEquals(0, r.status(), r.err());
            JsonNode tokens = JSON.readTree(r.out()).get("token_ids");
            assertEquals(30, tokens.size());
            if (reference == null) {
                reference = tokens;
            }
            assertEquals(reference, tokens, "split " + layout[0] + ", " + layout[1] + " threads");
        }
    }

    @Test
    void greedyJsonFromTextMatchesTheGoldenRunOfStories260K() throws Exception {
        JsonNode golden = JSON.readTree(SharedFiles.testdata("golden/stories260K-greedy.json").toFile())
                .get("cases").get(1);
        int steps = golden.get("generated_ids").size();
        for (String split : new String[] {"1", "5"}) {
            CliRun r = run("generate", "--model", SharedFiles.model("stories260K.gguf").toString(), "--prompt",
                    golden.get("prompt").asText(), "--max-tokens", String.valueOf(steps), "--temperature", "0",
                    "--threads", "2", "--split", split, "--json");
            assertEquals(0, r.status(), r.err());
            JsonNode o = JSON.readTree(r.out());
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            assertEquals(List.of("prompt_ids", "token_ids", "text", "finish_reason", "prefill_tps", "decode_tps"),
                    keys);
            assertEquals(golden.get("prompt_ids"), o.get("prompt_ids"));
            assertEquals(golden.get("generated_ids"), o.get("token_ids"));
            String expected = golden.get("expected_text").asText().substring(golden.get("prompt").asText().length());
            assertEquals(expected, o.get("text").asText());
            assertEquals("length", o.get("finish_reason").asText());
            assertTrue(o.get("decode_tps").asDouble() > 0);
        }
    }

    @Test
    void streamsTextWithoutJson() {
        CliRun r = run("generate", "--model", SharedFiles.model("stories260K.gguf").toString(), "--prompt-ids",
                "1,403,407,261,378", "--max-tokens", "9", "--temperature", "0");
        assertEquals(0, r.status(), r.err());
        assertEquals(", there was a little girl named\n", r.out());
    }

    @Test
    void zeroMaxTokensGeneratesNothing() throws Exception {
        CliRun r = run("generate", "--model", SharedFiles.model("stories260K.gguf").toString(), "--prompt-ids", "1,403",
                "--max-tokens", "0", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode o = JSON.readTree(r.out());
        assertEquals(0, o.get("token_ids").size());
        assertEquals("", o.get("text").asText());
        assertEquals("length", o.get("finish_reason").asText());
    }

    @Test
    void usageErrorsExitWithTwoAndBadFilesWithOne() {
        String model = SharedFiles.model("stories260K.gguf").toString();
        assertEquals(2, run("generate", "--model", model, "--prompt", "a", "--prompt-ids", "1").status());
        assertEquals(2, run("generate", "--model", model, "--prompt-ids", "1,x").status());
        assertEquals(2, run("generate", "--model", model, "--prompt-ids", "1,99999").status());
        assertEquals(2, run("generate", "--model", model, "--prompt-ids", "1", "--split", "9").status());
        assertEquals(2, run("generate", "--model", model, "--prompt-ids", "1", "--temperature", "-1").status());
        CliRun missing = run("generate", "--model", "/nonexistent.gguf", "--prompt-ids", "1");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }

    @Test
    void benchPrintsTheAgreedJsonKeys() throws Exception {
        CliRun r = run("bench", "--model", SharedFiles.model("stories260K.gguf").toString(), "--prompt-tokens", "8",
                "--gen-tokens", "4", "--batch", "1,3", "--repeat", "1", "--threads", "1", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode o = JSON.readTree(r.out());
        List<String> keys = new ArrayList<>();
        o.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("model", "threads", "prefill_tps", "decode", "bandwidth_gbs", "bound_tps",
                "peak_rss_mib"), keys);
        assertEquals(2, o.get("decode").size());
        assertEquals(3, o.get("decode").get(1).get("batch").asInt());
        assertTrue(o.get("decode").get(1).get("tps").asDouble() > 0);
    }
}
