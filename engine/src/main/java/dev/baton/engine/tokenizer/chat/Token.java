package dev.baton.engine.tokenizer.chat;

/** One lexical token of a template: literal text, a tag boundary, or a piece of an expression. */
record Token(Kind kind, String text, int line) {
    enum Kind { TEXT, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INT, FLOAT, OP, EOF }

    boolean is(Kind k, String value) {
        return kind == k && text.equals(value);
    }

    boolean isOp(String op) {
        return is(Kind.OP, op);
    }

    boolean isName(String name) {
        return is(Kind.NAME, name);
    }

    String describe() {
        return switch (kind) {
            case TEXT -> "text";
            case VAR_BEGIN -> "'{{'";
            case VAR_END -> "'}}'";
            case BLOCK_BEGIN -> "'{%'";
            case BLOCK_END -> "'%}'";
            case EOF -> "end of template";
            case STRING -> "string literal";
            default -> "'" + text + "'";
        };
    }
}
