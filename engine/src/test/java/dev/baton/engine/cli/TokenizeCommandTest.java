package dev.baton.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TokenizeCommandTest {
    private final String stories = SharedFiles.model("stories260K.gguf").toString();
    private final String phi3 = SharedFiles.testdata("tokenizer/ggml-vocab-phi-3.gguf").toString();

    @Test
    void textPrintsIdsAsAJsonArray() {
        CliRun run = CliRun.of("tokenize", "--model", stories, "--text", "Once upon a time");
        assertEquals(0, run.status(), run.err());
        assertEquals("[403,407,261,378]\n", run.out());
    }

    @Test
    void bosOnlyWhenAsked() {
        CliRun run = CliRun.of("tokenize", "--model", stories, "--text", "Once upon a time", "--bos");
        assertEquals("[1,403,407,261,378]\n", run.out());
    }

    @Test
    void specialTokensOnlyWhenAsked() {
        assertEquals("[32010]\n", CliRun.of("tokenize", "--model", phi3, "--text", "<|user|>", "--special").out());
        String plain = CliRun.of("tokenize", "--model", phi3, "--text", "<|user|>").out();
        assertTrue(!plain.contains("32010") && plain.split(",").length > 1, plain);
    }

    @Test
    void jsonlPrintsOneArrayPerLine() {
        String input = "\"Once upon a time\"\n\"\"\n\"Lily\\u0027s mom\"\n";
        CliRun run = withStdin(input, "tokenize", "--model", stories, "--jsonl", "--bos");
        assertEquals(0, run.status(), run.err());
        String[] lines = run.out().split("\n");
        assertEquals(3, lines.length, run.out());
        assertEquals("[1,403,407,261,378]", lines[0]);
        assertEquals("[1]", lines[1]);
        assertTrue(lines[2].startsWith("[1,317,439,419,357"), lines[2]);
    }

    @Test
    void aBadLineStopsWithItsNumberAfterTheGoodOnes() {
        CliRun run = withStdin("\"Once\"\n{\"text\": \"upon\"}\n\"a time\"\n", "tokenize", "--model", stories,
                "--jsonl");
        assertEquals(1, run.status());
        assertEquals(1, run.out().split("\n").length, "only the first line was printed: " + run.out());
        assertTrue(run.err().contains("stdin line 2") && run.err().contains("expected a JSON string"), run.err());

        CliRun broken = withStdin("\"unterminated\n", "tokenize", "--model", stories, "--jsonl");
        assertEquals(1, broken.status());
        assertEquals("", broken.out());
        assertTrue(broken.err().contains("stdin line 1: not a JSON string"), broken.err());

        CliRun binary = withStdin(new byte[] {'"', (byte) 0xFF, '"', '\n'}, "tokenize", "--model", stories,
                "--jsonl");
        assertEquals(1, binary.status());
        assertTrue(binary.err().contains("stdin line 1: not valid UTF-8"), binary.err());
    }

    @Test
    void wrongCommandLinesAreUsageErrors() {
        CliRun both = CliRun.of("tokenize", "--model", stories, "--text", "x", "--jsonl");
        assertEquals(2, both.status());
        assertTrue(both.err().contains("exactly one of --text TEXT and --jsonl"), both.err());
        assertEquals(2, CliRun.of("tokenize", "--text", "x").status(), "--model is required");
    }

    @Test
    void anUnsupportedTokenizerIsAClearError() {
        CliRun run = CliRun.of("tokenize", "--model",
                SharedFiles.testdata("tokenizer/ggml-vocab-bert-bge.gguf").toString(), "--text", "x");
        assertEquals(1, run.status());
        assertTrue(run.err().contains("tokenizer model 'bert'"), run.err());
    }

    private static CliRun withStdin(String input, String... args) {
        return withStdin(input.getBytes(StandardCharsets.UTF_8), args);
    }

    private static CliRun withStdin(byte[] input, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(input));
        try {
            return CliRun.of(args);
        } finally {
            System.setIn(saved);
        }
    }
}
