package dev.baton.engine.tokenizer.chat;

/** A chat template that cannot be parsed: the text is not Jinja, or uses a construct this interpreter lacks. */
public final class TemplateSyntaxException extends IllegalArgumentException {
    private final int line;

    TemplateSyntaxException(String message, int line) {
        super("chat template line " + line + ": " + message);
        this.line = line;
    }

    /** The 1-based template line where parsing stopped. */
    public int line() {
        return line;
    }
}
