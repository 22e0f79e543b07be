package dev.baton.engine.tokenizer.chat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Recursive-descent parser for the Jinja subset chat templates use, with Jinja's operator precedence (lowest first):
 * conditional, or, and, not, comparison and membership, {@code + -}, {@code ~}, {@code * / // %}, {@code **}, unary
 * minus, then postfix access, calls, filters and tests, which bind tightest ({@code 'a' + b | trim} trims b only).
 */
final class TemplateParser {
    /** Blocks and expressions nested deeper than this are refused, so a hostile template cannot overflow the stack. */
    private static final int MAX_DEPTH = 200;

    private final List<Token> tokens;
    private int at;
    private int depth;

    private TemplateParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Node> parse(String source) {
        TemplateParser parser = new TemplateParser(TemplateLexer.tokenize(source));
        return parser.body(null);
    }

    /**
     * Statements up to one of the terminating block tags (left as the current token) or, for the template itself
     * ({@code opener} null), the end of the template.
     */
    private List<Node> body(Token opener, String... terminators) {
        List<Node> nodes = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case EOF -> {
                    if (opener != null) {
                        throw new TemplateSyntaxException("missing {% " + terminators[terminators.length - 1]
                                + " %} for the {% " + opener.text() + " %} of line " + opener.line(), t.line());
                    }
                    return nodes;
                }
                case TEXT -> {
                    next();
                    nodes.add(new Node.Text(t.text()));
                }
                case VAR_BEGIN -> {
                    next();
                    nodes.add(new Node.Output(expression()));
                    expect(Token.Kind.VAR_END);
                }
                case BLOCK_BEGIN -> {
                    Token keyword = tokens.get(at + 1);
                    if (keyword.kind() == Token.Kind.NAME && Arrays.asList(terminators).contains(keyword.text())) {
                        next();
                        return nodes;
                    }
                    next();
                    statement(nodes);
                }
                default -> throw unexpected(t);
            }
        }
    }

    private void statement(List<Node> into) {
        Token keyword = expect(Token.Kind.NAME);
        if (++depth > MAX_DEPTH) {
            throw new TemplateSyntaxException("blocks nested too deeply", keyword.line());
        }
        try {
            statement(keyword, into);
        } finally {
            depth--;
        }
    }

    private void statement(Token keyword, List<Node> into) {
        switch (keyword.text()) {
            case "if" -> into.add(ifStatement(keyword));
            case "for" -> into.add(forStatement(keyword));
            case "set" -> into.add(setStatement(keyword));
            case "macro" -> into.add(macro(keyword));
            case "break", "continue" -> {
                blockEnd();
                into.add(new Node.LoopControl(keyword.text().equals("break")));
            }
            case "do" -> {
                into.add(new Node.Do(expression()));
                blockEnd();
            }
            case "generation" -> { // Hugging Face's marker of assistant text: renders its body unchanged
                blockEnd();
                into.addAll(body(keyword, "endgeneration"));
                closeWith("endgeneration");
            }
            case "elif", "else", "endif", "endfor", "endset", "endmacro", "endgeneration" ->
                    throw new TemplateSyntaxException("unexpected {% " + keyword.text() + " %}", keyword.line());
            default -> throw new TemplateSyntaxException("unsupported tag {% " + keyword.text() + " %}",
                    keyword.line());
        }
    }

    private Node ifStatement(Token keyword) {
        List<Expr> conditions = new ArrayList<>();
        List<List<Node>> bodies = new ArrayList<>();
        conditions.add(expression());
        blockEnd();
        bodies.add(body(keyword, "elif", "else", "endif"));
        List<Node> otherwise = List.of();
        while (true) {
            Token branch = expect(Token.Kind.NAME);
            if (branch.text().equals("elif")) {
                conditions.add(expression());
                blockEnd();
                bodies.add(body(keyword, "elif", "else", "endif"));
            } else if (branch.text().equals("else")) {
                blockEnd();
                otherwise = body(keyword, "endif");
                closeWith("endif");
                break;
            } else {
                blockEnd();
                break;
            }
        }
        return new Node.If(conditions, bodies, otherwise);
    }

    private Node forStatement(Token keyword) {
        List<String> targets = new ArrayList<>();
        boolean parenthesized = peek().isOp("(");
        if (parenthesized) {
            next();
        }
        targets.add(expect(Token.Kind.NAME).text());
        while (peek().isOp(",")) {
            next();
            targets.add(expect(Token.Kind.NAME).text());
        }
        if (parenthesized) {
            expectOp(")");
        }
        expectName("in");
        Expr iterable = or(); // not expression(): a trailing "if" filters the loop, it is no conditional
        Expr filter = null;
        if (peek().isName("if")) {
            next();
            filter = expression();
        }
        blockEnd();
        List<Node> body = body(keyword, "else", "endfor");
        List<Node> otherwise = List.of();
        if (expect(Token.Kind.NAME).text().equals("else")) {
            blockEnd();
            otherwise = body(keyword, "endfor");
            closeWith("endfor");
        } else {
            blockEnd();
        }
        return new Node.For(targets, iterable, filter, body, otherwise, keyword.line());
    }

    private Node setStatement(Token keyword) {
        int line = keyword.line();
        String name = expect(Token.Kind.NAME).text();
        String attribute = null;
        if (peek().isOp(".")) {
            next();
            attribute = expect(Token.Kind.NAME).text();
        }
        if (peek().isOp("=")) {
            next();
            Expr value = expression();
            blockEnd();
            return new Node.Set(name, attribute, value, line);
        }
        if (attribute != null) {
            throw new TemplateSyntaxException("a {% set %} block cannot assign an attribute", line);
        }
        blockEnd();
        List<Node> body = body(keyword, "endset");
        closeWith("endset");
        return new Node.SetBlock(name, body);
    }

    private Node macro(Token keyword) {
        String name = expect(Token.Kind.NAME).text();
        expectOp("(");
        List<String> parameters = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        while (!peek().isOp(")")) {
            parameters.add(expect(Token.Kind.NAME).text());
            Expr fallback = null;
            if (peek().isOp("=")) {
                next();
                fallback = expression();
            }
            defaults.add(fallback);
            if (!peek().isOp(",")) {
                break;
            }
            next();
        }
        expectOp(")");
        blockEnd();
        List<Node> body = body(keyword, "endmacro");
        closeWith("endmacro");
        return new Node.Macro(name, parameters, defaults, body);
    }

    /** After {@link #body} stopped at {@code {% keyword}: consumes the keyword and the tag's end. */
    private void closeWith(String keyword) {
        expectName(keyword);
        blockEnd();
    }

    private Expr expression() {
        return nested(this::conditional);
    }

    /** Parses one level deeper, refusing templates nested beyond {@link #MAX_DEPTH}. */
    private Expr nested(java.util.function.Supplier<Expr> parse) {
        if (++depth > MAX_DEPTH) {
            throw new TemplateSyntaxException("expression nested too deeply", peek().line());
        }
        try {
            return parse.get();
        } finally {
            depth--;
        }
    }

    private Expr conditional() {
        Expr value = or();
        while (peek().isName("if")) {
            int line = next().line();
            Expr condition = or();
            Expr otherwise = null;
            if (peek().isName("else")) {
                next();
                otherwise = expression();
            }
            value = new Expr.Conditional(condition, value, otherwise, line);
        }
        return value;
    }

    private Expr or() {
        Expr left = and();
        while (peek().isName("or")) {
            int line = next().line();
            left = new Expr.Or(left, and(), line);
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (peek().isName("and")) {
            int line = next().line();
            left = new Expr.And(left, not(), line);
        }
        return left;
    }

    private Expr not() {
        if (peek().isName("not")) {
            int line = next().line();
            return new Expr.Unary("not", nested(this::not), line);
        }
        return comparison();
    }

    private Expr comparison() {
        Expr left = sum();
        while (true) {
            Token t = peek();
            if (t.kind() == Token.Kind.OP && List.of("==", "!=", "<", ">", "<=", ">=").contains(t.text())) {
                next();
                left = new Expr.Binary(t.text(), left, sum(), t.line());
            } else if (t.isName("in")) {
                next();
                left = new Expr.Binary("in", left, sum(), t.line());
            } else if (t.isName("not") && tokens.get(at + 1).isName("in")) {
                next();
                next();
                left = new Expr.Binary("not in", left, sum(), t.line());
            } else {
                return left;
            }
        }
    }

    private Expr sum() {
        Expr left = concatenation();
        while (peek().isOp("+") || peek().isOp("-")) {
            Token op = next();
            left = new Expr.Binary(op.text(), left, concatenation(), op.line());
        }
        return left;
    }

    private Expr concatenation() {
        Expr left = product();
        while (peek().isOp("~")) {
            Token op = next();
            left = new Expr.Binary("~", left, product(), op.line());
        }
        return left;
    }

    private Expr product() {
        Expr left = power();
        while (peek().kind() == Token.Kind.OP && List.of("*", "/", "//", "%").contains(peek().text())) {
            Token op = next();
            left = new Expr.Binary(op.text(), left, power(), op.line());
        }
        return left;
    }

    private Expr power() {
        Expr left = unary(true);
        while (peek().isOp("**")) {
            Token op = next();
            left = new Expr.Binary("**", left, unary(true), op.line());
        }
        return left;
    }

    private Expr unary(boolean withFilters) {
        Token t = peek();
        Expr value;
        if (t.isOp("-") || t.isOp("+")) {
            next();
            value = new Expr.Unary(t.text(), nested(() -> unary(false)), t.line());
        } else {
            value = primary();
        }
        value = postfix(value);
        return withFilters ? filtersAndTests(value) : value;
    }

    private Expr primary() {
        Token t = next();
        return switch (t.kind()) {
            case NAME -> switch (t.text()) {
                case "true", "True" -> new Expr.Literal(Boolean.TRUE, t.line());
                case "false", "False" -> new Expr.Literal(Boolean.FALSE, t.line());
                case "none", "None" -> new Expr.Literal(null, t.line());
                default -> new Expr.Name(t.text(), t.line());
            };
            case STRING -> {
                StringBuilder joined = new StringBuilder(t.text());
                while (peek().kind() == Token.Kind.STRING) { // adjacent literals concatenate, as in Python
                    joined.append(next().text());
                }
                yield new Expr.Literal(joined.toString(), t.line());
            }
            case INT -> new Expr.Literal(parseInteger(t), t.line());
            case FLOAT -> new Expr.Literal(Double.parseDouble(t.text()), t.line());
            case OP -> switch (t.text()) {
                case "(" -> parenthesized(t.line());
                case "[" -> new Expr.ListLiteral(sequence("]"), t.line());
                case "{" -> dictionary(t.line());
                default -> throw unexpected(t);
            };
            default -> throw unexpected(t);
        };
    }

    private static Long parseInteger(Token t) {
        try {
            return Long.parseLong(t.text());
        } catch (NumberFormatException e) {
            throw new TemplateSyntaxException("integer literal out of range: " + t.text(), t.line());
        }
    }

    private Expr parenthesized(int line) {
        if (peek().isOp(")")) {
            next();
            return new Expr.ListLiteral(List.of(), line);
        }
        Expr first = expression();
        if (!peek().isOp(",")) {
            expectOp(")");
            return first;
        }
        List<Expr> items = new ArrayList<>(List.of(first));
        while (peek().isOp(",")) {
            next();
            if (peek().isOp(")")) {
                break;
            }
            items.add(expression());
        }
        expectOp(")");
        return new Expr.ListLiteral(items, line);
    }

    /** Comma-separated expressions up to {@code close}, which is consumed; a trailing comma is allowed. */
    private List<Expr> sequence(String close) {
        List<Expr> items = new ArrayList<>();
        while (!peek().isOp(close)) {
            items.add(expression());
            if (!peek().isOp(",")) {
                break;
            }
            next();
        }
        expectOp(close);
        return items;
    }

    private Expr dictionary(int line) {
        List<Expr> keys = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (!peek().isOp("}")) {
            keys.add(expression());
            expectOp(":");
            values.add(expression());
            if (!peek().isOp(",")) {
                break;
            }
            next();
        }
        expectOp("}");
        return new Expr.DictLiteral(keys, values, line);
    }

    private Expr postfix(Expr value) {
        while (true) {
            Token t = peek();
            if (t.isOp(".")) {
                next();
                Token name = next();
                if (name.kind() == Token.Kind.NAME) {
                    value = new Expr.Attribute(value, name.text(), t.line());
                } else if (name.kind() == Token.Kind.INT) {
                    value = new Expr.Item(value, new Expr.Literal(parseInteger(name), t.line()), t.line());
                } else {
                    throw unexpected(name);
                }
            } else if (t.isOp("[")) {
                next();
                value = subscript(value, t.line());
            } else if (t.isOp("(")) {
                next();
                value = new Expr.Call(value, arguments(), t.line());
            } else {
                return value;
            }
        }
    }

    private Expr subscript(Expr target, int line) {
        Expr start = null;
        if (!peek().isOp(":")) {
            start = expression();
            if (peek().isOp("]")) {
                next();
                return new Expr.Item(target, start, line);
            }
        }
        expectOp(":");
        Expr stop = peek().isOp(":") || peek().isOp("]") ? null : expression();
        Expr step = null;
        if (peek().isOp(":")) {
            next();
            step = peek().isOp("]") ? null : expression();
        }
        expectOp("]");
        return new Expr.Slice(target, start, stop, step, line);
    }

    /** Call arguments after the opening parenthesis, through the closing one. */
    private Expr.Arguments arguments() {
        List<Expr> positional = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Expr> named = new ArrayList<>();
        while (!peek().isOp(")")) {
            if (peek().kind() == Token.Kind.NAME && tokens.get(at + 1).isOp("=")) {
                names.add(next().text());
                next();
                named.add(expression());
            } else {
                if (!names.isEmpty()) {
                    throw new TemplateSyntaxException("positional argument after a named one", peek().line());
                }
                positional.add(expression());
            }
            if (!peek().isOp(",")) {
                break;
            }
            next();
        }
        expectOp(")");
        return new Expr.Arguments(positional, names, named);
    }

    private Expr filtersAndTests(Expr value) {
        while (true) {
            Token t = peek();
            if (t.isOp("|")) {
                next();
                String name = expect(Token.Kind.NAME).text();
                Expr.Arguments arguments = Expr.Arguments.NONE;
                if (peek().isOp("(")) {
                    next();
                    arguments = arguments();
                }
                value = new Expr.Filter(value, name, arguments, t.line());
            } else if (t.isName("is")) {
                next();
                boolean negated = false;
                if (peek().isName("not")) {
                    next();
                    negated = true;
                }
                String name = testName();
                Expr.Arguments arguments = Expr.Arguments.NONE;
                if (peek().isOp("(")) {
                    next();
                    arguments = arguments();
                } else if (startsTestArgument(peek())) {
                    arguments = new Expr.Arguments(List.of(postfix(primary())), List.of(), List.of());
                }
                value = new Expr.Test(value, name, arguments, negated, t.line());
            } else if (t.isOp("(")) {
                next();
                value = new Expr.Call(value, arguments(), t.line());
            } else {
                return value;
            }
        }
    }

    /** Test names are names, except the keywords Jinja also allows there ({@code is none}, {@code is true}). */
    private String testName() {
        Token t = next();
        if (t.kind() == Token.Kind.NAME) {
            return t.text().toLowerCase(java.util.Locale.ROOT).equals("none") ? "none" : t.text();
        }
        if (t.kind() == Token.Kind.OP && List.of("==", "!=", "<", ">", "<=", ">=").contains(t.text())) {
            return t.text();
        }
        throw unexpected(t);
    }

    /** Whether a test takes the following token as its single argument ({@code x is divisibleby 3}). */
    private static boolean startsTestArgument(Token t) {
        return switch (t.kind()) {
            case STRING, INT, FLOAT -> true;
            case NAME -> !List.of("else", "or", "and", "if", "is", "in", "not").contains(t.text());
            case OP -> t.text().equals("[") || t.text().equals("{");
            default -> false;
        };
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token next() {
        Token t = tokens.get(at);
        if (t.kind() != Token.Kind.EOF) {
            at++;
        }
        return t;
    }

    private Token expect(Token.Kind kind) {
        Token t = next();
        if (t.kind() != kind) {
            throw unexpected(t);
        }
        return t;
    }

    private void expectOp(String op) {
        Token t = next();
        if (!t.isOp(op)) {
            throw new TemplateSyntaxException("expected '" + op + "' but found " + t.describe(), t.line());
        }
    }

    private void expectName(String name) {
        Token t = next();
        if (!t.isName(name)) {
            throw new TemplateSyntaxException("expected '" + name + "' but found " + t.describe(), t.line());
        }
    }

    private void blockEnd() {
        Token t = next();
        if (t.kind() != Token.Kind.BLOCK_END) {
            throw new TemplateSyntaxException("expected '%}' but found " + t.describe(), t.line());
        }
    }

    private static TemplateSyntaxException unexpected(Token t) {
        return new TemplateSyntaxException("unexpected " + t.describe(), t.line());
    }
}
