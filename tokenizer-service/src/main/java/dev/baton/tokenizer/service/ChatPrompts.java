package dev.baton.tokenizer.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.tokenizer.chat.ChatMessage;
import dev.baton.engine.tokenizer.chat.ChatPrompt;
import dev.baton.engine.tokenizer.chat.ChatTemplate;
import dev.baton.engine.tokenizer.chat.TemplateRenderException;
import dev.baton.proto.ChatTemplateRequest;
import dev.baton.proto.ChatTemplateResponse;
import io.grpc.Status;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ApplyChatTemplate: validates the messages (roles, sizes, UTF-8), renders them with the model's chat template (or
 * the plain fallback) and tokenizes the result with the template's control tokens parsed. A conversation the
 * template refuses (its {@code raise_exception}, e.g. a system turn for Gemma) is INVALID_ARGUMENT; a template that is
 * itself broken is FAILED_PRECONDITION, since no request can fix it.
 */
@ApplicationScoped
public class ChatPrompts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InputLimits limits;

    ChatPrompts(InputLimits limits) {
        this.limits = limits;
    }

    ChatTemplateResponse render(ServedModel.Loaded model, ChatTemplateRequest request) {
        List<ChatMessage> messages = checkedMessages(request);
        Map<String, Object> variables = templateVariables(request);
        if (model.chatTemplate() == null) {
            throw Status.FAILED_PRECONDITION.withDescription("the model's chat template cannot be used: "
                    + model.chatTemplateProblem()).asRuntimeException();
        }
        ChatPrompt prompt;
        try {
            prompt = ChatPrompt.render(model.chatTemplate(), model.tokenizer(), messages,
                    request.getAddGenerationPrompt(), variables);
        } catch (TemplateRenderException e) {
            Status status = e.raisedByTemplate()
                    ? Status.INVALID_ARGUMENT.withDescription("the model's chat template refused the conversation: "
                            + e.getMessage())
                    : Status.FAILED_PRECONDITION.withDescription(e.getMessage());
            throw status.asRuntimeException();
        }
        ChatTemplateResponse.Builder response = ChatTemplateResponse.newBuilder()
                .setText(prompt.text())
                .setFallbackTemplate(prompt.usedFallback());
        for (int id : prompt.ids()) {
            response.addIds(id);
        }
        return response.build();
    }

    private List<ChatMessage> checkedMessages(ChatTemplateRequest request) {
        if (request.getMessagesCount() == 0) {
            throw InvalidArgument.because("messages must not be empty");
        }
        long total = request.getTemplateKwargsJson().size();
        for (dev.baton.proto.ChatMessage message : request.getMessagesList()) {
            total += message.getContent().size();
        }
        limits.checkSize(total, "the messages' content with template_kwargs_json");
        List<ChatMessage> messages = new ArrayList<>(request.getMessagesCount());
        for (int i = 0; i < request.getMessagesCount(); i++) {
            dev.baton.proto.ChatMessage message = request.getMessages(i);
            if (!ChatMessage.ROLES.contains(message.getRole())) {
                throw InvalidArgument.because("messages[" + i + "].role '" + shortened(message.getRole())
                        + "' is not one of system, user, assistant, tool");
            }
            messages.add(new ChatMessage(message.getRole(),
                    limits.text(message.getContent(), "messages[" + i + "].content")));
        }
        return messages;
    }

    /** The request's template_kwargs_json as variables: names to JSON values. */
    private Map<String, Object> templateVariables(ChatTemplateRequest request) {
        if (request.getTemplateKwargsJson().isEmpty()) {
            return Map.of();
        }
        String json = limits.text(request.getTemplateKwargsJson(), "template_kwargs_json");
        Map<String, Object> variables;
        try {
            JsonNode parsed = JSON.readTree(json);
            if (parsed == null || !parsed.isObject()) {
                throw InvalidArgument.because("template_kwargs_json must be a JSON object");
            }
            variables = JSON.convertValue(parsed, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw InvalidArgument.because("template_kwargs_json is not valid JSON: " + e.getOriginalMessage());
        }
        for (String name : variables.keySet()) {
            if (ChatTemplate.RESERVED_VARIABLES.contains(name)) {
                throw InvalidArgument.because("template_kwargs_json: '" + shortened(name)
                        + "' is set by the service itself");
            }
        }
        return variables;
    }

    /** Echoes a caller's value in an error without echoing a megabyte. */
    private static String shortened(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
