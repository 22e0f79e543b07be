package dev.baton.engine.tokenizer;

/**
 * The Unicode classes pre-tokenizer patterns test ({@code \p{L}}, {@code \p{N}}, {@code \p{P}}, {@code \s}, ...), with
 * llama.cpp's definitions: whitespace is the Unicode White_Space property (so U+001C..U+001F are not whitespace, unlike
 * {@link Character#isWhitespace}) and wins over the general category; every other code point belongs to at most one
 * class, or to none ("other": controls, format characters, unassigned).
 */
final class CodepointClass {
    static final int OTHER = 0;
    static final int LETTER = 1;
    static final int NUMBER = 2;
    static final int PUNCTUATION = 4;
    static final int SYMBOL = 8;
    static final int MARK = 16;
    static final int WHITESPACE = 32;

    /** Classes of the Basic Multilingual Plane, looked up on every code point of every input. */
    private static final byte[] BMP = new byte[0x10000];

    static {
        for (int cp = 0; cp < BMP.length; cp++) {
            BMP[cp] = (byte) compute(cp);
        }
    }

    private CodepointClass() {
    }

    static int of(int cp) {
        return cp < 0x10000 ? BMP[cp] : compute(cp);
    }

    static boolean isWhitespace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    private static int compute(int cp) {
        if (isWhitespace(cp)) {
            return WHITESPACE;
        }
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                 Character.OTHER_SYMBOL -> SYMBOL;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> MARK;
            default -> OTHER;
        };
    }
}
