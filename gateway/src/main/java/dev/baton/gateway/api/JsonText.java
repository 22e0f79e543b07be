package dev.baton.gateway.api;

/**
 * JSON string literals written straight into a {@link StringBuilder}, for the stream chunks the gateway writes once
 * per token (a tree and a general-purpose serializer per token cost more than the tiny models' own compute).
 * The escaping is Jackson's default, byte for byte, so a chunk reads the same whichever way it was built: quote,
 * backslash and the control characters below U+0020 are escaped ({@code \b \t \n \f \r} in their short forms, the
 * rest as {@code \}{@code u00XX}); everything else, non-ASCII included, is written as it is.
 */
final class JsonText {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private JsonText() {
    }

    /** Appends {@code text} as a quoted JSON string. */
    static StringBuilder appendQuoted(StringBuilder out, String text) {
        out.append('"');
        int plainFrom = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(text, plainFrom, i).append('\\');
            switch (c) {
                case '"', '\\' -> out.append(c);
                case '\b' -> out.append('b');
                case '\t' -> out.append('t');
                case '\n' -> out.append('n');
                case '\f' -> out.append('f');
                case '\r' -> out.append('r');
                default -> out.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
            plainFrom = i + 1;
        }
        return out.append(text, plainFrom, text.length()).append('"');
    }
}
