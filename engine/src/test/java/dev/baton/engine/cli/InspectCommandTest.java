package dev.baton.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.SharedFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    private final String stories = SharedFiles.model("stories260K.gguf").toString();

    @Test
    void textShowsMetadataTensorsAndTotals() {
        CliRun run = CliRun.of("inspect", stories);
        assertEquals(0, run.status(), run.err());
        String out = run.out();
        assertTrue(out.contains("GGUF v3, 1185376 bytes, 19 metadata keys, 48 tensors, alignment 32"), out);
        assertTrue(out.matches("(?s).*general\\.architecture\\s+string\\s+\"llama\".*"), out);
        assertTrue(out.matches("(?s).*tokenizer\\.ggml\\.tokens\\s+string\\[512]\\s+\\[\"<unk>\", \"<s>\", \"</s>\", "
                + "\"<0x00>\".*\\.\\.\\. \\(512 elements\\)].*"), out);
        assertTrue(out.contains("4294967295"), "uint32 shown unsigned");
        assertTrue(out.matches("(?s).*token_embd\\.weight\\s+F32\\s+64 x 512\\s+32\\.00\\s+131072.*"), out);
        assertTrue(out.matches("(?s).*F32\\s+48 tensors\\s+292800 weights\\s+1171200 bytes.*"), out);
    }

    @Test
    void jsonIsMachineReadable() throws Exception {
        CliRun run = CliRun.of("inspect", SharedFiles.model("kquant/kq-small-Q4_0.gguf").toString(), "--json");
        assertEquals(0, run.status(), run.err());
        JsonNode root = new ObjectMapper().readTree(run.out());
        assertEquals(3, root.get("version").asInt());
        assertEquals("llama", root.at("/metadata/general.architecture/value").asText());
        assertEquals(2, root.at("/metadata/general.file_type/value").asInt());
        JsonNode tokens = root.at("/metadata/tokenizer.ggml.tokens");
        assertEquals("string", tokens.get("element_type").asText());
        assertEquals(512, tokens.get("count").asInt());
        assertTrue(tokens.get("truncated").asBoolean());
        assertEquals(8, tokens.get("value").size());
        assertEquals(39, root.get("tensors").size());
        assertEquals(39, root.at("/totals/tensors").asInt());
        assertEquals(3_410_176, root.at("/totals/weights").asLong());
        JsonNode output = root.get("tensors").get(0);
        assertEquals("output.weight", output.get("name").asText());
        assertEquals("Q6_K", output.get("type").asText());
        assertEquals(256, output.get("shape").get(0).asInt());
    }

    @Test
    void vocabularyFilesInspectInFull() throws Exception {
        CliRun run = CliRun.of("inspect", "--full", "--json",
                SharedFiles.testdata("tokenizer/ggml-vocab-llama-spm.gguf").toString());
        assertEquals(0, run.status(), run.err());
        JsonNode tokens = new ObjectMapper().readTree(run.out()).at("/metadata/tokenizer.ggml.tokens");
        assertEquals(32000, tokens.get("value").size());
        assertFalse(tokens.get("truncated").asBoolean());
        assertTrue(CliRun.of("inspect", SharedFiles.testdata("tokenizer/ggml-vocab-gpt-2.gguf").toString()).out()
                .contains("no tensors"));
    }

    @Test
    void badInputIsOneLineAndStatusOne(@TempDir Path tmp) throws Exception {
        Path junk = Files.writeString(tmp.resolve("junk.gguf"), "GGUF\3\0\0\0 and then nothing sensible");
        CliRun run = CliRun.of("inspect", junk.toString());
        assertEquals(1, run.status());
        assertTrue(run.err().startsWith("baton inspect: GGUF offset "), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());

        CliRun missing = CliRun.of("inspect", tmp.resolve("absent.gguf").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("no such file"), missing.err());

        CliRun directory = CliRun.of("inspect", tmp.toString());
        assertEquals(1, directory.status());
        assertTrue(directory.err().contains("is a directory"), directory.err());
    }
}
