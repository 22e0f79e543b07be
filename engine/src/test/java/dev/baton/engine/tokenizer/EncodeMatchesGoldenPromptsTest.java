package dev.baton.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.SharedFiles;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The golden files' prompts encode to their prompt ids, and their generated ids decode to their texts, with the
 * vocabularies of the two small TinyStories models: stories260K (llama2.c's 512-token SentencePiece vocabulary) and
 * TinyStories-656K (an HF BPE vocabulary with trailing-{@code ▁} tokens and no byte tokens).
 */
class EncodeMatchesGoldenPromptsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void stories260KPromptEncodesToGoldenIds() throws IOException {
        Tokenizer tokenizer = Tokenizer.fromGguf(SharedFiles.model("stories260K.gguf"));
        JsonNode golden = golden("stories260K-greedy.json");
        JsonNode prompted = golden.get("cases").get(1);
        assertArrayEquals(ids(prompted.get("prompt_ids")),
                tokenizer.encode(prompted.get("prompt").asText(), true, false));
    }

    @Test
    void stories260KSamplesEncodeAndDecodeBack() throws IOException {
        Tokenizer tokenizer = Tokenizer.fromGguf(SharedFiles.model("stories260K.gguf"));
        JsonNode samples = golden("stories260K-greedy.json").at("/spm_tokenization_samples/samples");
        assertEquals(5, samples.size());
        for (Iterator<Map.Entry<String, JsonNode>> it = samples.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> sample = it.next();
            int[] expected = ids(sample.getValue());
            assertArrayEquals(expected, tokenizer.encode(sample.getKey(), false, false), sample.getKey());
            assertEquals(sample.getKey(), tokenizer.decode(expected));
        }
    }

    @Test
    void stories260KGenerationsDecodeToGoldenText() throws IOException {
        Tokenizer tokenizer = Tokenizer.fromGguf(SharedFiles.model("stories260K.gguf"));
        for (JsonNode c : golden("stories260K-greedy.json").get("cases")) {
            int[] sequence = IntStream.concat(IntStream.of(ids(c.get("prompt_ids"))),
                    IntStream.of(ids(c.get("generated_ids")))).toArray();
            assertEquals(c.get("expected_text").asText(), tokenizer.decode(sequence), c.get("name").asText());
        }
    }

    @Test
    void tinyStoriesSamplesEncodeAndDecodeBack() throws IOException {
        Tokenizer tokenizer = Tokenizer.fromGguf(SharedFiles.model("TinyStories-656K-f32.gguf"));
        JsonNode samples = golden("TinyStories-656K-greedy.json").at("/tokenization_samples/samples");
        assertEquals(3, samples.size());
        for (Iterator<Map.Entry<String, JsonNode>> it = samples.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> sample = it.next();
            int[] expected = ids(sample.getValue());
            assertArrayEquals(expected, tokenizer.encode(sample.getKey(), false, false), sample.getKey());
            assertEquals(sample.getKey(), tokenizer.decode(expected));
        }
    }

    @Test
    void tinyStoriesGenerationDecodesToGoldenText() throws IOException {
        Tokenizer tokenizer = Tokenizer.fromGguf(SharedFiles.model("TinyStories-656K-f32.gguf"));
        JsonNode golden = golden("TinyStories-656K-greedy.json");
        int[] sequence = IntStream.concat(IntStream.of(ids(golden.get("prompt_ids"))),
                IntStream.of(ids(golden.get("f32_generated_ids")))).toArray();
        assertEquals(golden.get("f32_text").asText(), tokenizer.decode(sequence));
    }

    @Test
    void tinyStoriesMapsCharactersWithoutTokensToUnknown() throws IOException {
        Tokenizer tokenizer = Tokenizer.fromGguf(SharedFiles.model("TinyStories-656K-f32.gguf"));
        int unk = tokenizer.vocabulary().unk();
        int[] ids = tokenizer.encode("Lily saw a 🦊.", false, false);
        assertEquals(1, IntStream.of(ids).filter(id -> id == unk).count(), java.util.Arrays.toString(ids));
    }

    private static JsonNode golden(String name) throws IOException {
        return JSON.readTree(SharedFiles.testdata("golden/" + name).toFile());
    }

    private static int[] ids(JsonNode array) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = array.get(i).asInt();
        }
        return ids;
    }
}
