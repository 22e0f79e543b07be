package dev.baton.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes each token stands for, computed once at load (llama.cpp's token-to-piece cache): SentencePiece text with
 * {@code ▁} as a space, {@code <0xXX>} as its byte, byte-level BPE text mapped back through
 * {@link ByteLevelAlphabet}; control, unknown and user-defined tokens as their text; unused tokens as nothing.
 */
final class TokenPieces {
    private final byte[] data;
    private final int[] offsets;

    private TokenPieces(byte[] data, int[] offsets) {
        this.data = data;
        this.offsets = offsets;
    }

    static TokenPieces of(String[] texts, TokenType[] types, boolean byteLevel) {
        ByteArrayOutputStream all = new ByteArrayOutputStream(texts.length * 6);
        int[] offsets = new int[texts.length + 1];
        for (int id = 0; id < texts.length; id++) {
            all.writeBytes(piece(texts[id], types[id], byteLevel));
            offsets[id + 1] = all.size();
        }
        return new TokenPieces(all.toByteArray(), offsets);
    }

    private static byte[] piece(String text, TokenType type, boolean byteLevel) {
        return switch (type) {
            case CONTROL, UNKNOWN, USER_DEFINED -> text.getBytes(StandardCharsets.UTF_8);
            case NORMAL -> byteLevel ? byteLevelBytes(text)
                    : text.replace((char) SpmEncoder.ESCAPED_SPACE, ' ').getBytes(StandardCharsets.UTF_8);
            case BYTE -> {
                int b = byteTokenValue(text);
                yield b >= 0 ? new byte[] {(byte) b} : text.getBytes(StandardCharsets.UTF_8);
            }
            case UNUSED, UNDEFINED -> new byte[0];
        };
    }

    /**
     * Characters outside the byte alphabet pass through as their own UTF-8 (llama.cpp writes an
     * {@code [UNK_BYTE_..]} marker instead), so a vocabulary with stray entries still decodes to readable text.
     */
    private static byte[] byteLevelBytes(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        text.codePoints().forEach(c -> {
            int b = ByteLevelAlphabet.byteOf(c);
            if (b >= 0) {
                out.write(b);
            } else {
                out.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }

    /** The byte of a {@code <0xXX>} token, or -1 if the text has another form. */
    static int byteTokenValue(String text) {
        if (text.length() != 6 || !text.startsWith("<0x") || text.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(text.charAt(3), 16);
        int lo = Character.digit(text.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    int offset(int id) {
        return offsets[id];
    }

    int length(int id) {
        return offsets[id + 1] - offsets[id];
    }

    byte byteAt(int index) {
        return data[index];
    }

    byte[] bytes(int id) {
        return Arrays.copyOfRange(data, offsets[id], offsets[id + 1]);
    }
}
