package dev.baton.engine.gguf;

/**
 * A GGUF file (or a metadata lookup on one) is malformed, truncated, hostile or lacks what the caller needs.
 * Unchecked so metadata getters stay easy to call; the message names the byte offset (when there is one) and the field.
 */
public final class GgufFormatException extends RuntimeException {
    private final long offset;
    private final String field;

    /**
     * @param offset byte offset of the field in the file, or -1 when the problem has no place in the file
     *               (a missing metadata key)
     */
    public GgufFormatException(long offset, String field, String problem) {
        super(describe(offset, field, problem));
        this.offset = offset;
        this.field = field;
    }

    /** Byte offset of the offending field from the start of the file, or -1 when there is none. */
    public long offset() {
        return offset;
    }

    /** The offending field, e.g. {@code header.tensor_count}, {@code metadata 'general.alignment'}. */
    public String field() {
        return field;
    }

    /**
     * A name from the file, quoted for a message: shortened and with control characters escaped, since a hostile
     * file can make a key megabytes long or fill it with terminal escapes.
     */
    static String quote(String name) {
        int max = 80;
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < name.length() && i < max; i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (name.length() > max) {
            sb.append("...(").append(name.length()).append(" chars)");
        }
        return sb.append('\'').toString();
    }

    private static String describe(long offset, String field, String problem) {
        String where = offset >= 0 ? "GGUF offset " + offset + ", " : "GGUF ";
        return where + field + ": " + problem;
    }
}
