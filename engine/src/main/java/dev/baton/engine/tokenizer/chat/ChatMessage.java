package dev.baton.engine.tokenizer.chat;

import java.util.Set;

/**
 * One turn of a conversation. The role is one of {@link #ROLES}, as in the OpenAI chat API; anything else is refused
 * here, before a template sees it.
 */
public record ChatMessage(String role, String content) {
    public static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    public ChatMessage {
        if (role == null || content == null) {
            throw new IllegalArgumentException("a chat message needs a role and a content");
        }
        if (!ROLES.contains(role)) {
            String shown = role.length() <= 40 ? role : role.substring(0, 40) + "…";
            throw new IllegalArgumentException("unknown chat role '" + shown
                    + "': expected one of system, user, assistant, tool");
        }
    }
}
