package dev.baton.gateway.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A chat template file for the tokenizer service ({@code baton.tokenizer.chat-template}) that reads the extra
 * variables a client can pass ({@code tools}, {@code chat_template_kwargs}); stories260K carries no template.
 */
final class ChatTemplateWithExtras {
    /** Prints the {@code greeting} kwarg and the tools' function names ahead of the turns. */
    static final String TEMPLATE = "{% if greeting is defined %}{{ greeting }}\n{% endif %}"
            + "{% if tools is defined %}tools:{% for tool in tools %} {{ tool.function.name }}{% endfor %}\n{% endif %}"
            + "{% for message in messages %}{{ message.role }}: {{ message.content }}\n{% endfor %}"
            + "{% if add_generation_prompt %}assistant:{% endif %}";

    private ChatTemplateWithExtras() {
    }

    static Path write() {
        try {
            Path file = Files.createTempFile("baton-gateway-template", ".jinja");
            file.toFile().deleteOnExit();
            return Files.writeString(file, TEMPLATE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
