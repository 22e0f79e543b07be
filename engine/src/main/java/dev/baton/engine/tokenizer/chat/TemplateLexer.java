package dev.baton.engine.tokenizer.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a Jinja template into literal text and the tokens inside its tags, with whitespace control applied the way
 * Hugging Face renders chat templates: {@code trim_blocks} and {@code lstrip_blocks} on, plus the explicit
 * {@code {%-}, {@code -%}}, {@code {{-} ... markers. Text between tags becomes one {@link Token.Kind#TEXT} token.
 */
final class TemplateLexer {
    /** The rest of a {@code {% raw %}} tag after its opening; group 1 is a closing {@code -}. */
    private static final Pattern RAW_START = Pattern.compile("\\s*raw\\s*(-)?%}");
    /** {@code {% endraw %}}; groups: {@code -} or {@code +} after the opening, {@code -} before the closing. */
    private static final Pattern RAW_END = Pattern.compile("\\{%(?:(-)|(\\+))?\\s*endraw\\s*(-)?%}");

    private final String source;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int line = 1;
    /** How the text after the previous tag starts: trimmed fully ({@code -%}}), by one newline (trim_blocks), or not. */
    private Trim pendingStartTrim = Trim.NONE;

    private enum Trim { NONE, ONE_NEWLINE, ALL }

    private TemplateLexer(String source) {
        this.source = source;
    }

    static List<Token> tokenize(String source) {
        TemplateLexer lexer = new TemplateLexer(asJinjaLoadsIt(source));
        lexer.run();
        return lexer.tokens;
    }

    private void run() {
        while (pos < source.length()) {
            int tag = nextTagStart(pos);
            if (tag < 0) {
                text(source.substring(pos), false, false);
                advanceTo(source.length());
                break;
            }
            char kind = source.charAt(tag + 1);
            char marker = tag + 2 < source.length() ? source.charAt(tag + 2) : ' ';
            boolean isBlockLike = kind == '%' || kind == '#';
            boolean stripBefore = marker == '-';
            boolean lstrip = isBlockLike && marker != '+' && marker != '-';
            text(source.substring(pos, tag), stripBefore, lstrip);
            advanceTo(tag);
            int bodyStart = tag + 2 + (marker == '-' || marker == '+' ? 1 : 0);
            Matcher raw = RAW_START.matcher(source).region(bodyStart, source.length());
            if (kind == '#') {
                comment(bodyStart);
            } else if (kind == '%' && raw.lookingAt()) {
                raw(raw);
            } else {
                tag(kind, bodyStart);
            }
        }
        tokens.add(new Token(Token.Kind.EOF, "", line));
    }

    /**
     * The source as Jinja sees it by default: line breaks normalized to {@code \n} and a single trailing newline
     * dropped ({@code keep_trailing_newline=False}), so a template file's last newline is not rendered.
     */
    private static String asJinjaLoadsIt(String source) {
        String normalized = source.replace("\r\n", "\n").replace('\r', '\n');
        return normalized.endsWith("\n") ? normalized.substring(0, normalized.length() - 1) : normalized;
    }

    private int nextTagStart(int from) {
        int i = source.indexOf('{', from);
        while (i >= 0 && i + 1 < source.length()) {
            char c = source.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
            i = source.indexOf('{', i + 1);
        }
        return -1;
    }

    /** Literal text, trimmed by the tags on both sides. */
    private void text(String raw, boolean stripAllAtEnd, boolean lstripBlock) {
        String text = raw;
        if (stripAllAtEnd) {
            text = stripTrailingWhitespace(text);
        } else if (lstripBlock) {
            int lineStart = text.lastIndexOf('\n') + 1;
            boolean atLineStart = lineStart > 0 || pos == 0;
            if (atLineStart && isBlank(text, lineStart)) {
                text = text.substring(0, lineStart);
            }
        }
        text = switch (pendingStartTrim) {
            case ALL -> stripLeadingWhitespace(text);
            case ONE_NEWLINE -> text.startsWith("\n") ? text.substring(1) : text;
            case NONE -> text;
        };
        pendingStartTrim = Trim.NONE;
        int textLine = line;
        if (!text.isEmpty()) {
            tokens.add(new Token(Token.Kind.TEXT, text, textLine));
        }
    }

    /** {@code {% raw %}...{% endraw %}}: the text between is literal, tags and all. */
    private void raw(Matcher start) {
        boolean stripAfterStart = start.group(1) != null;
        Matcher end = RAW_END.matcher(source);
        if (!end.find(start.end())) {
            throw new TemplateSyntaxException("missing {% endraw %}", line);
        }
        advanceTo(start.end());
        pendingStartTrim = stripAfterStart ? Trim.ALL : Trim.ONE_NEWLINE;
        boolean stripBeforeEnd = end.group(1) != null;
        text(source.substring(start.end(), end.start()), stripBeforeEnd, !stripBeforeEnd && end.group(2) == null);
        advanceTo(end.end());
        pendingStartTrim = end.group(3) != null ? Trim.ALL : Trim.ONE_NEWLINE;
    }

    private void comment(int bodyStart) {
        int end = source.indexOf("#}", bodyStart);
        if (end < 0) {
            throw new TemplateSyntaxException("unclosed comment", line);
        }
        boolean stripAfter = end > bodyStart && source.charAt(end - 1) == '-';
        boolean keepNewline = end > bodyStart && source.charAt(end - 1) == '+';
        advanceTo(end + 2);
        pendingStartTrim = stripAfter ? Trim.ALL : keepNewline ? Trim.NONE : Trim.ONE_NEWLINE;
    }

    /** The tokens of a {@code {{ ... }}} or {@code {% ... %}} tag. */
    private void tag(char kind, int bodyStart) {
        boolean block = kind == '%';
        tokens.add(new Token(block ? Token.Kind.BLOCK_BEGIN : Token.Kind.VAR_BEGIN, "", line));
        advanceTo(bodyStart);
        int braces = 0;
        while (true) {
            skipSpaces();
            if (pos >= source.length()) {
                throw new TemplateSyntaxException("unclosed " + (block ? "{%" : "{{") + " tag", line);
            }
            char c = source.charAt(pos);
            char next = pos + 1 < source.length() ? source.charAt(pos + 1) : '\0';
            char after = pos + 2 < source.length() ? source.charAt(pos + 2) : '\0';
            char closer = block ? '%' : '}';
            if (braces == 0 && c == closer && next == '}') {
                closeTag(block, Trim.NONE, 2);
                return;
            }
            if (braces == 0 && (c == '-' || c == '+') && next == closer && after == '}') {
                closeTag(block, c == '-' ? Trim.ALL : Trim.NONE, 3);
                return;
            }
            if (c == '{') {
                braces++;
            } else if (c == '}') {
                braces--;
            }
            lexExpressionToken(c, next);
        }
    }

    private void closeTag(boolean block, Trim explicit, int length) {
        tokens.add(new Token(block ? Token.Kind.BLOCK_END : Token.Kind.VAR_END, "", line));
        advanceTo(pos + length);
        boolean plus = explicit == Trim.NONE && length == 3;
        pendingStartTrim = explicit == Trim.ALL ? Trim.ALL : block && !plus ? Trim.ONE_NEWLINE : Trim.NONE;
    }

    private void lexExpressionToken(char c, char next) {
        int start = pos;
        if (c == '\'' || c == '"') {
            tokens.add(new Token(Token.Kind.STRING, stringLiteral(c), line));
        } else if (Character.isDigit(c)) {
            while (pos < source.length() && (Character.isDigit(source.charAt(pos)) || source.charAt(pos) == '_')) {
                pos++;
            }
            boolean fraction = pos + 1 < source.length() && source.charAt(pos) == '.'
                    && Character.isDigit(source.charAt(pos + 1));
            if (fraction) {
                pos++;
                while (pos < source.length() && Character.isDigit(source.charAt(pos))) {
                    pos++;
                }
            }
            String digits = source.substring(start, pos).replace("_", "");
            tokens.add(new Token(fraction ? Token.Kind.FLOAT : Token.Kind.INT, digits, line));
        } else if (Character.isLetter(c) || c == '_') {
            while (pos < source.length() && (Character.isLetterOrDigit(source.charAt(pos)) || source.charAt(pos) == '_')) {
                pos++;
            }
            tokens.add(new Token(Token.Kind.NAME, source.substring(start, pos), line));
        } else {
            String two = "" + c + next;
            String op = switch (two) {
                case "==", "!=", "<=", ">=", "//", "**" -> two;
                default -> {
                    if ("+-*/%~<>()[]{}.,:|=".indexOf(c) < 0) {
                        throw new TemplateSyntaxException("unexpected character '" + c + "'", line);
                    }
                    yield String.valueOf(c);
                }
            };
            pos += op.length();
            tokens.add(new Token(Token.Kind.OP, op, line));
        }
    }

    /** A quoted literal with Python's escapes; {@code pos} is at the opening quote. */
    private String stringLiteral(char quote) {
        int startLine = line;
        StringBuilder out = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= source.length()) {
                throw new TemplateSyntaxException("unclosed string literal", startLine);
            }
            char c = source.charAt(pos++);
            if (c == quote) {
                return out.toString();
            }
            if (c == '\n') {
                line++;
            }
            if (c != '\\' || pos >= source.length()) {
                out.append(c);
                continue;
            }
            char e = source.charAt(pos++);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '0' -> out.append('\0');
                case '\\', '\'', '"' -> out.append(e);
                case '\n' -> line++; // a backslash-newline continues the literal
                case 'u', 'x' -> {
                    int digits = e == 'u' ? 4 : 2;
                    if (pos + digits > source.length()) {
                        throw new TemplateSyntaxException("short \\" + e + " escape", line);
                    }
                    try {
                        out.append((char) Integer.parseInt(source.substring(pos, pos + digits), 16));
                    } catch (NumberFormatException bad) {
                        throw new TemplateSyntaxException("bad \\" + e + " escape", line);
                    }
                    pos += digits;
                }
                default -> out.append('\\').append(e); // Python keeps unknown escapes as written
            }
        }
    }

    private void skipSpaces() {
        while (pos < source.length() && Character.isWhitespace(source.charAt(pos))) {
            if (source.charAt(pos) == '\n') {
                line++;
            }
            pos++;
        }
    }

    private void advanceTo(int target) {
        for (int i = pos; i < target; i++) {
            if (source.charAt(i) == '\n') {
                line++;
            }
        }
        pos = target;
    }

    private static boolean isBlank(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    private static String stripTrailingWhitespace(String s) {
        int end = s.length();
        while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static String stripLeadingWhitespace(String s) {
        int start = 0;
        while (start < s.length() && Character.isWhitespace(s.charAt(start))) {
            start++;
        }
        return s.substring(start);
    }
}
