package dev.baton.tokenizer.service;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configured chat template file that is missing or not UTF-8 stops the service at start, naming key and file. */
class UnreadableChatTemplateStopsStartTest {
    @TempDir
    Path dir;

    @Test
    void missingFile() {
        assertRefused(dir.resolve("absent.jinja"));
    }

    @Test
    void notUtf8() throws IOException {
        Path file = Files.write(dir.resolve("latin1.jinja"), new byte[] {'{', '{', ' ', (byte) 0xE9, ' ', '}', '}'});
        assertRefused(file);
    }

    private static void assertRefused(Path template) {
        ServedModel model = new ServedModel(new TokenizerServiceConfig() {
            @Override
            public Path model() {
                return TokenizerClient.shared("models/stories260K.gguf");
            }

            @Override
            public Optional<Path> chatTemplate() {
                return Optional.of(template);
            }

            @Override
            public int maxInputBytes() {
                return 1 << 20;
            }

            @Override
            public int maxDecodeIds() {
                return 1 << 18;
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, model::load);
        assertTrue(e.getMessage().startsWith("baton.tokenizer.chat-template: cannot read " + template.toAbsolutePath()),
                e.getMessage());
        assertTrue(!model.isLoaded());
    }
}
