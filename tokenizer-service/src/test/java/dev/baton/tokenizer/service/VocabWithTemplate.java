package dev.baton.tokenizer.service;

import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A vocabulary-only GGUF: llama.cpp's Phi-3 vocabulary with a chat template of the test's choosing. */
final class VocabWithTemplate {
    private VocabWithTemplate() {
    }

    static Path write(String chatTemplate) {
        try {
            Path file = Files.createTempDirectory("baton-chat-template").resolve("vocab.gguf");
            try (GgufFile phi3 = GgufFile.open(TokenizerClient.shared("testdata/tokenizer/ggml-vocab-phi-3.gguf"));
                 GgufWriter out = GgufWriter.create(file)) {
                out.putAll(phi3.metadata()).putString("tokenizer.chat_template", chatTemplate);
            }
            file.toFile().deleteOnExit();
            file.getParent().toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
