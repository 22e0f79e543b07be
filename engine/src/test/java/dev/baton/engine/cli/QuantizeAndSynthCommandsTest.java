package dev.baton.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.tensor.GgmlType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuantizeAndSynthCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void quantizeWritesALoadableModel() throws Exception {
        Path out = tmp.resolve("stories-q8.gguf");
        CliRun run = CliRun.of("quantize", SharedFiles.model("stories260K.gguf").toString(), out.toString(),
                "--type", "q8_0", "--threads", "2");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("F32 -> Q8_0=32"), run.out());
        assertTrue(run.out().contains("F32 -> F16=5"), run.out()); // ffn_down rows of 172 fit no Q8_0 block
        assertTrue(run.out().contains("kept F32=11"), run.out());
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(GgmlType.Q8_0, f.tensor("blk.0.attn_q.weight").orElseThrow().type());
            assertEquals(GgmlType.F16, f.tensor("blk.0.ffn_down.weight").orElseThrow().type());
            assertEquals(7, f.metadata().getLong("general.file_type"));
        }
    }

    @Test
    void quantizeMistakesAreUsageErrors() {
        String stories = SharedFiles.model("stories260K.gguf").toString();
        CliRun noType = CliRun.of("quantize", stories, tmp.resolve("x.gguf").toString());
        assertEquals(2, noType.status());
        assertTrue(noType.err().contains("missing --type"), noType.err());
        CliRun badType = CliRun.of("quantize", stories, tmp.resolve("x.gguf").toString(), "--type", "q3_k");
        assertEquals(2, badType.status());
        assertTrue(badType.err().contains("--type must be one of f32, f16, q4_0, q4_1, q8_0"), badType.err());
        CliRun badInput = CliRun.of("quantize", tmp.resolve("absent.gguf").toString(), tmp.resolve("x.gguf").toString(),
                "--type", "q8_0");
        assertEquals(1, badInput.status());
    }

    @Test
    void synthWritesTheRequestedShape() throws Exception {
        Path out = tmp.resolve("tiny.gguf");
        CliRun run = CliRun.of("synth", "--shape", "tiny", "--type", "q4_0", "--seed", "5", "--vocab",
                SharedFiles.testdata("tokenizer/ggml-vocab-llama-spm.gguf").toString(), out.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("tiny Q4_0, 21 tensors"), run.out());
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(GgmlType.Q4_0, f.tensor("blk.1.ffn_gate.weight").orElseThrow().type());
            assertEquals(32000, f.metadata().getLong("llama.vocab_size"));
        }
        CliRun unknown = CliRun.of("synth", "--shape", "llama-7b", out.toString());
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("--shape must be one of tiny, llama-110m, tinyllama-1.1b"), unknown.err());
    }

    @Test
    void synthFindsTheSharedVocabularyByDefault() throws Exception {
        assertTrue(Files.isRegularFile(SynthCommand.defaultVocabulary()), SynthCommand.defaultVocabulary().toString());
    }
}
