package dev.baton.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.tokenizer.Tokenizer;
import dev.baton.engine.tokenizer.chat.ChatMessage;
import dev.baton.engine.tokenizer.chat.ChatPrompt;
import dev.baton.engine.tokenizer.chat.ChatTemplate;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code baton chat-template --model M --messages JSON [--template FILE] [--kwargs JSON] [--no-generation-prompt]
 * [--json]}: the prompt a chat turns into for a model, as the tokenizer service renders it. Prints the prompt text
 * exactly (no newline added), or with {@code --json} an object with {@code text}, {@code ids} and {@code fallback}.
 * {@code --template} renders with a template file instead of the model's own (to try a template out).
 */
final class ChatTemplateCommand implements CliCommand {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Override
    public String name() {
        return "chat-template";
    }

    @Override
    public String usage() {
        return "chat-template --model M --messages JSON [--template FILE] [--kwargs JSON] [--no-generation-prompt]"
                + " [--json]";
    }

    @Override
    public Set<String> valueFlags() {
        return Set.of("model", "messages", "template", "kwargs");
    }

    @Override
    public Set<String> switches() {
        return Set.of("no-generation-prompt", "json");
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws Exception {
        if (!args.positionals().isEmpty()) {
            throw new CliUsageException("unexpected argument '" + args.positionals().getFirst() + "'");
        }
        Path model = Path.of(args.required("model"));
        List<ChatMessage> messages = messages(args.required("messages"));
        Map<String, Object> variables = args.value("kwargs").isPresent() ? kwargs(args.required("kwargs")) : Map.of();
        Tokenizer tokenizer;
        String source;
        try (GgufFile file = GgufFile.open(model)) {
            tokenizer = Tokenizer.fromGguf(file.metadata());
            source = file.metadata().optString("tokenizer.chat_template").orElse(null);
        }
        if (args.value("template").isPresent()) {
            source = Files.readString(Path.of(args.required("template")), StandardCharsets.UTF_8);
        }
        ChatTemplate template = ChatPrompt.templateFor(source, tokenizer.vocabulary());
        ChatPrompt prompt = ChatPrompt.render(template, tokenizer, messages, !args.has("no-generation-prompt"),
                variables);
        if (!args.has("json")) {
            out.print(prompt.text());
            return 0;
        }
        ObjectNode result = JSON.createObjectNode().put("text", prompt.text());
        for (int id : prompt.ids()) {
            result.withArray("ids").add(id);
        }
        result.put("fallback", prompt.usedFallback());
        out.println(JSON.writeValueAsString(result));
        return 0;
    }

    /** An OpenAI-style message array: [{"role": "user", "content": "Hi"}, ...]. */
    private static List<ChatMessage> messages(String json) throws IOException {
        JsonNode array = parse(json, "--messages");
        if (!array.isArray()) {
            throw new CliUsageException("--messages must be a JSON array of {\"role\", \"content\"} objects");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode m = array.get(i);
            if (!m.isObject() || !m.path("role").isTextual() || !m.path("content").isTextual()) {
                throw new CliUsageException("--messages[" + i + "] must be an object with string role and content");
            }
            messages.add(new ChatMessage(m.get("role").textValue(), m.get("content").textValue()));
        }
        return messages;
    }

    private static Map<String, Object> kwargs(String json) throws IOException {
        JsonNode object = parse(json, "--kwargs");
        if (!object.isObject()) {
            throw new CliUsageException("--kwargs must be a JSON object");
        }
        return JSON.convertValue(object, new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    private static JsonNode parse(String json, String flag) throws IOException {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CliUsageException(flag + " is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
