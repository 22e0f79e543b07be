package dev.baton.engine.tokenizer.chat;

/**
 * Rendering failed. Either the template itself refused the conversation ({@code raise_exception}, e.g. "Conversation
 * roles must alternate"), which is the caller's input problem, or the template did something invalid at run time
 * (calling a missing function, adding a string to a number), which is a problem of the model's template.
 */
public final class TemplateRenderException extends IllegalArgumentException {
    private final boolean raisedByTemplate;

    TemplateRenderException(String message, boolean raisedByTemplate) {
        super(message);
        this.raisedByTemplate = raisedByTemplate;
    }

    static TemplateRenderException raised(String message) {
        return new TemplateRenderException(message, true);
    }

    static TemplateRenderException invalid(String message) {
        return new TemplateRenderException("chat template error: " + message, false);
    }

    /** True when the template called {@code raise_exception}: the messages do not fit what the model accepts. */
    public boolean raisedByTemplate() {
        return raisedByTemplate;
    }
}
