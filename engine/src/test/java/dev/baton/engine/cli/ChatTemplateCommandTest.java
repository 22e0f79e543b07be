package dev.baton.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTemplateCommandTest {
    private static final String CHAT = "[{\"role\": \"system\", \"content\": \"Be brief.\"},"
            + " {\"role\": \"user\", \"content\": \"Hi\"}]";
    private final String phi3 = SharedFiles.testdata("tokenizer/ggml-vocab-phi-3.gguf").toString();
    private final String stories = SharedFiles.model("stories260K.gguf").toString();

    @Test
    void printsThePromptOfTheModelsOwnTemplate() {
        CliRun run = CliRun.of("chat-template", "--model", phi3, "--messages", CHAT);
        assertEquals(0, run.status(), run.err());
        assertEquals("<s><|user|>\nHi<|end|>\n<|assistant|>\n", run.out());
    }

    @Test
    void jsonAddsTheIdsAndFallbackFlag() {
        CliRun run = CliRun.of("chat-template", "--model", stories, "--messages", CHAT, "--no-generation-prompt",
                "--json");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("{\"text\":\"system: Be brief.\\nuser: Hi\\n\",\"ids\":[1,"), run.out());
        assertTrue(run.out().endsWith("],\"fallback\":true}\n"), run.out());
    }

    @Test
    void aTemplateFileAndVariablesCanBeTriedOut(@TempDir Path dir) throws IOException {
        Path template = dir.resolve("t.jinja");
        Files.writeString(template, "{% for m in messages %}[{{ m.role }}|{{ m.content }}]{% endfor %}{{ greeting }}");
        CliRun run = CliRun.of("chat-template", "--model", stories, "--messages", CHAT, "--template",
                template.toString(), "--kwargs", "{\"greeting\": \"!\"}");
        assertEquals(0, run.status(), run.err());
        assertEquals("[system|Be brief.][user|Hi]!", run.out());
    }

    @Test
    void badInputIsOneLineOfError() {
        CliRun role = CliRun.of("chat-template", "--model", phi3, "--messages", "[{\"role\": \"robot\", \"content\": \"x\"}]");
        assertEquals(1, role.status());
        assertTrue(role.err().contains("unknown chat role 'robot'"), role.err());
        CliRun json = CliRun.of("chat-template", "--model", phi3, "--messages", "[{");
        assertEquals(2, json.status());
        assertTrue(json.err().contains("--messages is not valid JSON"), json.err());
        CliRun refused = CliRun.of("chat-template", "--model", phi3, "--messages", CHAT, "--kwargs",
                "{\"messages\": []}");
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("'messages' is set by Baton itself"), refused.err());
    }
}
