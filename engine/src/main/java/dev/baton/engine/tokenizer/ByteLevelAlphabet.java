package dev.baton.engine.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's reversible byte-to-character mapping, in which byte-level BPE vocabularies are written: printable bytes
 * ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) stand for themselves, the other 68 bytes map in order to U+0100 onwards
 * (so a space is {@code Ġ}, U+0120, and a newline {@code Ċ}, U+010A).
 */
final class ByteLevelAlphabet {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevelAlphabet() {
    }

    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a character stands for, or -1 if the character is not in the alphabet. */
    static int byteOf(int c) {
        return c >= 0 && c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** A word's UTF-8 bytes written in the alphabet, as vocabulary entries are. */
    static String encode(byte[] utf8, int from, int to) {
        char[] chars = new char[to - from];
        for (int i = from; i < to; i++) {
            chars[i - from] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        }
        return new String(chars);
    }
}
