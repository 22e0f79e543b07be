package dev.baton.gateway.system;

import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A vocabulary-only GGUF for the tokenizer service: a model's metadata (vocabulary, context length, name) plus a chat
 * template that reads the extra variables a client can pass ({@code tools}, {@code chat_template_kwargs}).
 */
final class VocabWithChatTemplate {
    /** Prints the {@code greeting} kwarg and the tools' function names ahead of the turns. */
    static final String TEMPLATE = "{% if greeting is defined %}{{ greeting }}\n{% endif %}"
            + "{% if tools is defined %}tools:{% for tool in tools %} {{ tool.function.name }}{% endfor %}\n{% endif %}"
            + "{% for message in messages %}{{ message.role }}: {{ message.content }}\n{% endfor %}"
            + "{% if add_generation_prompt %}assistant:{% endif %}";

    private VocabWithChatTemplate() {
    }

    static Path write(Path model) {
        try {
            Path file = Files.createTempDirectory("baton-gateway-vocab").resolve("vocab.gguf");
            try (GgufFile source = GgufFile.open(model); GgufWriter out = GgufWriter.create(file)) {
                out.putAll(source.metadata()).putString("tokenizer.chat_template", TEMPLATE);
            }
            file.toFile().deleteOnExit();
            file.getParent().toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
