package dev.baton.tokenizer.service;

import dev.baton.proto.ChatMessage;
import dev.baton.proto.ChatTemplateRequest;
import dev.baton.proto.ChatTemplateResponse;
import io.grpc.Status;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * ApplyChatTemplate: validates the messages (roles, sizes, UTF-8), renders them with the model's chat template and
 * tokenizes the result with special tokens parsed.
 */
@ApplicationScoped
public class ChatPrompts {
    static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    private final InputLimits limits;

    ChatPrompts(InputLimits limits) {
        this.limits = limits;
    }

    ChatTemplateResponse render(ServedModel.Loaded model, ChatTemplateRequest request) {
        List<Message> messages = checkedMessages(request);
        throw Status.UNIMPLEMENTED.withDescription("chat templates are not available in this build yet ("
                + messages.size() + " messages received)").asRuntimeException();
    }

    /** A validated message. */
    record Message(String role, String content) {
    }

    private List<Message> checkedMessages(ChatTemplateRequest request) {
        if (request.getMessagesCount() == 0) {
            throw InvalidArgument.because("messages must not be empty");
        }
        long total = 0;
        for (ChatMessage message : request.getMessagesList()) {
            total += message.getContent().size();
        }
        limits.checkSize(total, "the messages' content");
        List<Message> messages = new ArrayList<>(request.getMessagesCount());
        for (int i = 0; i < request.getMessagesCount(); i++) {
            ChatMessage message = request.getMessages(i);
            if (!ROLES.contains(message.getRole())) {
                throw InvalidArgument.because("messages[" + i + "].role '" + shortened(message.getRole())
                        + "' is not one of system, user, assistant, tool");
            }
            messages.add(new Message(message.getRole(), limits.text(message.getContent(), "messages[" + i + "].content")));
        }
        return messages;
    }

    /** Echoes a caller's value in an error without echoing a megabyte. */
    private static String shortened(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
