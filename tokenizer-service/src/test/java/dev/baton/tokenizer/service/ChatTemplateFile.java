package dev.baton.tokenizer.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Service settings that serve llama.cpp's Phi-3 vocabulary with a chat template of the test's choosing, given through
 * {@code baton.tokenizer.chat-template} (so it replaces the template the Phi-3 file carries).
 */
final class ChatTemplateFile {
    private ChatTemplateFile() {
    }

    static Map<String, String> phi3VocabWith(String chatTemplate) {
        try {
            Path file = Files.createTempFile("baton-chat-template", ".jinja");
            file.toFile().deleteOnExit();
            Files.writeString(file, chatTemplate);
            return Map.of("baton.tokenizer.model", TokenizerClient.shared("testdata/tokenizer/ggml-vocab-phi-3.gguf").toString(),
                    "baton.tokenizer.chat-template", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
