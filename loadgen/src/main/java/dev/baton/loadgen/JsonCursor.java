package dev.baton.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A pull reader over one JSON text (RFC 8259) held as UTF-8 bytes, which checks every byte it passes over: the
 * grammar, string escapes, control characters and UTF-8 sequences inside strings, number syntax, and that nothing but
 * whitespace follows the value. What is malformed throws an IOException naming the offset. Reading allocates nothing
 * once its buffers have grown to the longest string seen: the load generator reads one chunk per token on the cores
 * of the system it measures, where a String per line and a parser per chunk cost more than the reading itself.
 *
 * <p>Objects and arrays are walked with {@link #beginObject()} / {@link #nextField()} and {@link #beginArray()} /
 * {@link #nextElement()}; a value not needed is passed over, and checked, by {@link #skipValue()}. Not thread-safe.
 */
final class JsonCursor {
    /** What {@link #readNumber()} returns for a number with a fraction or an exponent, or outside ±10^18. */
    static final long NOT_AN_INTEGER = Long.MIN_VALUE;
    /** Nesting a chunk never needs; deeper input is refused rather than read with unbounded recursion. */
    private static final int MAX_DEPTH = 64;

    private byte[] in;
    private int start;
    private int pos;
    private int end;
    /** Set by beginObject/beginArray: the next field or element takes no comma before it. */
    private boolean afterOpen;
    private final DecodedString name = new DecodedString();
    private final DecodedString value = new DecodedString();

    /** Starts reading {@code bytes[from, to)}. */
    void reset(byte[] bytes, int from, int to) {
        in = bytes;
        start = from;
        pos = from;
        end = to;
        afterOpen = false;
    }

    /** The first byte of the next value, not consumed: '{', '[', '"', '-' or a digit, 't', 'f', 'n', or another (malformed) byte. */
    byte peek() throws IOException {
        skipWhitespace();
        if (pos == end) {
            throw malformed("the text ends where a value is expected");
        }
        return in[pos];
    }

    void beginObject() throws IOException {
        expect('{');
        afterOpen = true;
    }

    /** Reads the next field's name and its colon; false at the object's end (consumed). */
    boolean nextField() throws IOException {
        if (!nextMember('}')) {
            return false;
        }
        skipWhitespace();
        if (pos == end || in[pos] != '"') {
            throw malformed("expected a field name");
        }
        decodeString(name);
        expect(':');
        return true;
    }

    /** Whether the current field's name is {@code ascii}. */
    boolean fieldIs(byte[] ascii) {
        return Arrays.equals(name.bytes, 0, name.length, ascii, 0, ascii.length);
    }

    void beginArray() throws IOException {
        expect('[');
        afterOpen = true;
    }

    /** Whether another element follows (its value is next); false at the array's end (consumed). */
    boolean nextElement() throws IOException {
        return nextMember(']');
    }

    /** Reads a string value; its UTF-8 bytes are {@link #stringBytes()} up to {@link #stringLength()}, until the next read. */
    void readString() throws IOException {
        if (peek() != '"') {
            throw malformed("expected a string");
        }
        decodeString(value);
    }

    /** Reads a string value as a String (it allocates: for what is read once, not per token). */
    String readText() throws IOException {
        readString();
        return new String(value.bytes, 0, value.length, StandardCharsets.UTF_8);
    }

    /**
     * Reads an object (the next value must be one) and returns the text of its string field {@code name}, or null
     * when it has none; its other fields are checked and passed over.
     */
    String readTextField(byte[] name) throws IOException {
        String text = null;
        beginObject();
        while (nextField()) {
            if (fieldIs(name) && peek() == '"') {
                text = readText();
            } else {
                skipValue();
            }
        }
        return text;
    }

    byte[] stringBytes() {
        return value.bytes;
    }

    int stringLength() {
        return value.length;
    }

    /** Reads a number; its value when it is an integer within ±10^18, else {@link #NOT_AN_INTEGER}. */
    long readNumber() throws IOException {
        skipWhitespace();
        boolean negative = pos < end && in[pos] == '-';
        if (negative) {
            pos++;
        }
        if (pos == end || !isDigit(in[pos])) {
            throw malformed("expected a number");
        }
        long magnitude = 0;
        int digits = 0;
        if (in[pos] == '0') {
            pos++;
            digits = 1;
        } else {
            while (pos < end && isDigit(in[pos])) {
                magnitude = digits < 18 ? magnitude * 10 + (in[pos] - '0') : magnitude;
                digits++;
                pos++;
            }
        }
        boolean integer = digits <= 18;
        if (pos < end && in[pos] == '.') {
            pos++;
            integer = false;
            digits();
        }
        if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
            pos++;
            integer = false;
            if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
                pos++;
            }
            digits();
        }
        return integer ? (negative ? -magnitude : magnitude) : NOT_AN_INTEGER;
    }

    /** Passes over the next value, whatever it is, checking it as thoroughly as if it were read. */
    void skipValue() throws IOException {
        skipValue(0);
    }

    /** Checks that only whitespace is left. */
    void end() throws IOException {
        skipWhitespace();
        if (pos != end) {
            throw malformed("text after the JSON value");
        }
    }

    private void skipValue(int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw malformed("nested deeper than " + MAX_DEPTH);
        }
        switch (peek()) {
            case '{' -> {
                beginObject();
                while (nextField()) {
                    skipValue(depth + 1);
                }
            }
            case '[' -> {
                beginArray();
                while (nextElement()) {
                    skipValue(depth + 1);
                }
            }
            case '"' -> decodeString(value);
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> readNumber();
        }
    }

    /** Before a field or an element: the comma, or the container's end. */
    private boolean nextMember(char close) throws IOException {
        skipWhitespace();
        if (pos == end) {
            throw malformed("the text ends inside an " + (close == '}' ? "object" : "array"));
        }
        boolean first = afterOpen;
        afterOpen = false;
        if (in[pos] == close) {
            pos++;
            return false;
        }
        if (!first) {
            if (in[pos] != ',') {
                throw malformed("expected ',' or '" + close + "'");
            }
            pos++;
        }
        return true;
    }

    private void literal(String word) throws IOException {
        for (int i = 0; i < word.length(); i++) {
            if (pos == end || in[pos] != word.charAt(i)) {
                throw malformed("expected " + word);
            }
            pos++;
        }
    }

    /** One or more digits (a fraction's or an exponent's). */
    private void digits() throws IOException {
        int first = pos;
        while (pos < end && isDigit(in[pos])) {
            pos++;
        }
        if (pos == first) {
            throw malformed("a number without digits after its '.' or exponent");
        }
    }

    /** The string at pos (its opening quote), decoded to UTF-8 into {@code out}. */
    private void decodeString(DecodedString out) throws IOException {
        pos++;
        out.length = 0;
        while (true) {
            if (pos == end) {
                throw malformed("a string without its closing quote");
            }
            byte b = in[pos];
            if (b == '"') {
                pos++;
                return;
            }
            if (b == '\\') {
                escape(out);
            } else if (b >= 0x20) {
                int run = pos + 1;
                while (run < end && in[run] >= 0x20 && in[run] != '"' && in[run] != '\\') {
                    run++;
                }
                out.append(in, pos, run - pos); // a run of plain ASCII in one copy
                pos = run;
            } else if (b >= 0) {
                throw malformed("a control character in a string");
            } else {
                int length = utf8Length();
                out.append(in, pos, length);
                pos += length;
            }
        }
    }

    private void escape(DecodedString out) throws IOException {
        if (pos + 1 >= end) {
            throw malformed("a string ends inside an escape");
        }
        byte kind = in[pos + 1];
        pos += 2;
        switch (kind) {
            case '"', '\\', '/' -> out.append(kind);
            case 'b' -> out.append((byte) '\b');
            case 'f' -> out.append((byte) '\f');
            case 'n' -> out.append((byte) '\n');
            case 'r' -> out.append((byte) '\r');
            case 't' -> out.append((byte) '\t');
            case 'u' -> {
                int unit = hex4();
                if (Character.isHighSurrogate((char) unit) && pos + 1 < end && in[pos] == '\\' && in[pos + 1] == 'u') {
                    int low = hex4At(pos + 2);
                    if (Character.isLowSurrogate((char) low)) {
                        pos += 6;
                        out.appendCodePoint(Character.toCodePoint((char) unit, (char) low));
                        return;
                    }
                }
                // a lone surrogate is valid JSON but no character: it reads as U+FFFD, as a String's UTF-8 would
                out.appendCodePoint(Character.isSurrogate((char) unit) ? 0xFFFD : unit);
            }
            default -> throw malformed("an unknown escape \\" + (char) (kind & 0xff));
        }
    }

    private int hex4() throws IOException {
        int unit = hex4At(pos);
        pos += 4;
        return unit;
    }

    private int hex4At(int at) throws IOException {
        if (at + 4 > end) {
            throw malformed("a \\u escape without four hex digits");
        }
        int unit = 0;
        for (int i = at; i < at + 4; i++) {
            int digit = Character.digit(in[i], 16);
            if (digit < 0) {
                throw malformed("a \\u escape without four hex digits");
            }
            unit = unit << 4 | digit;
        }
        return unit;
    }

    /** The length of the well-formed UTF-8 sequence at pos (its lead byte is not ASCII): the Unicode standard's table 3-7. */
    private int utf8Length() throws IOException {
        int lead = in[pos] & 0xff;
        int length;
        int low = 0x80;
        int high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            low = lead == 0xE0 ? 0xA0 : 0x80;
            high = lead == 0xED ? 0x9F : 0xBF;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            low = lead == 0xF0 ? 0x90 : 0x80;
            high = lead == 0xF4 ? 0x8F : 0xBF;
        } else {
            throw malformed("not UTF-8");
        }
        if (pos + length > end) {
            throw malformed("not UTF-8");
        }
        for (int i = 1; i < length; i++) {
            int next = in[pos + i] & 0xff;
            if (next < (i == 1 ? low : 0x80) || next > (i == 1 ? high : 0xBF)) {
                throw malformed("not UTF-8");
            }
        }
        return length;
    }

    private void expect(char c) throws IOException {
        skipWhitespace();
        if (pos == end || in[pos] != c) {
            throw malformed("expected '" + c + "'");
        }
        pos++;
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private IOException malformed(String what) {
        return new IOException("malformed JSON at byte " + (pos - start) + ": " + what);
    }

    /** A string's bytes after its escapes are resolved, in a buffer that grows and is reused. */
    private static final class DecodedString {
        private byte[] bytes = new byte[64];
        private int length;

        void append(byte b) {
            if (length == bytes.length) {
                bytes = Arrays.copyOf(bytes, 2 * length);
            }
            bytes[length++] = b;
        }

        void append(byte[] source, int from, int count) {
            if (length + count > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + count));
            }
            System.arraycopy(source, from, bytes, length, count);
            length += count;
        }

        void appendCodePoint(int codePoint) {
            if (codePoint < 0x80) {
                append((byte) codePoint);
            } else if (codePoint < 0x800) {
                append((byte) (0xC0 | codePoint >> 6));
                append((byte) (0x80 | codePoint & 0x3F));
            } else if (codePoint < 0x10000) {
                append((byte) (0xE0 | codePoint >> 12));
                append((byte) (0x80 | codePoint >> 6 & 0x3F));
                append((byte) (0x80 | codePoint & 0x3F));
            } else {
                append((byte) (0xF0 | codePoint >> 18));
                append((byte) (0x80 | codePoint >> 12 & 0x3F));
                append((byte) (0x80 | codePoint >> 6 & 0x3F));
                append((byte) (0x80 | codePoint & 0x3F));
            }
        }
    }
}
