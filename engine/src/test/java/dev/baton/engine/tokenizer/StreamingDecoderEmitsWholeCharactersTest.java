package dev.baton.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming decoder holds back incomplete UTF-8, never emits half a character, agrees with {@code decode} and with
 * the JDK's UTF-8 decoder on malformed bytes, and drops the SentencePiece space prefix only where the encoder put it.
 */
class StreamingDecoderEmitsWholeCharactersTest {
    private static final int BOS = 1;
    private static final int EOS = 2;
    private static final int HELLO = 15043; // "▁Hello"
    private static final int WORLD = 3186;  // "▁world"
    /** Llama's byte tokens {@code <0x00>..<0xFF>} are ids 3..258. */
    private static final int BYTE_0 = 3;

    private final Tokenizer llama = LlamaCppVectors.tokenizer("llama-spm");

    @Test
    void byteTokensOfOneCharacterAreHeldBackUntilItCompletes() {
        int[] rocket = llama.encode("🚀", false, false); // ▁ then four byte tokens
        assertEquals(5, rocket.length);
        StreamingDecoder decoder = llama.streamingDecoder();
        assertEquals("", decoder.feed(rocket[0]), "the space prefix is dropped at the start");
        assertEquals("", decoder.feed(rocket[1]));
        assertEquals("", decoder.feed(rocket[2]));
        assertEquals("", decoder.feed(rocket[3]));
        assertEquals("🚀", decoder.feed(rocket[4]));
        assertEquals("", decoder.flush());
    }

    @Test
    void anIncompleteCharacterAtTheEndBecomesOneReplacementCharacter() {
        StreamingDecoder decoder = llama.streamingDecoder(HELLO);
        assertEquals("", decoder.feed(BYTE_0 + 0xF0));
        assertEquals("", decoder.feed(BYTE_0 + 0x9F));
        assertEquals("\uFFFD", decoder.flush());
        assertEquals("a\uFFFD", llama.decode(new int[] {llama.vocabulary().id("a").orElseThrow(), BYTE_0 + 0xE2}));
    }

    @Test
    void randomBytesDecodeAsTheJdkDecodesThem() {
        Random random = new Random(7);
        for (int round = 0; round < 2000; round++) {
            byte[] bytes = new byte[random.nextInt(12)];
            for (int i = 0; i < bytes.length; i++) {
                // favour the bytes UTF-8 is made of, so sequences are often almost valid
                int pick = random.nextInt(4);
                bytes[i] = (byte) (pick == 0 ? random.nextInt(0x80) : pick == 1 ? 0x80 + random.nextInt(0x40)
                        : pick == 2 ? 0xC0 + random.nextInt(0x40) : random.nextInt(256));
            }
            StreamingDecoder decoder = llama.streamingDecoder(HELLO);
            StringBuilder streamed = new StringBuilder();
            int[] ids = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                ids[i] = BYTE_0 + (bytes[i] & 0xFF);
                String piece = decoder.feed(ids[i]);
                assertWellFormed(piece);
                streamed.append(piece);
            }
            streamed.append(decoder.flush());
            if (hasEncodedSurrogate(bytes)) {
                continue; // the JDK makes one U+FFFD of these; see encodedSurrogatesFollowTheUnicodeRecommendation
            }
            String expected = new String(bytes, StandardCharsets.UTF_8);
            assertEquals(expected, streamed.toString(), () -> java.util.HexFormat.of().formatHex(bytes));
            if (bytes.length == 0 || bytes[0] != ' ') {
                assertEquals(expected, llama.decode(ids));
            }
        }
    }

    @Test
    void encodedSurrogatesFollowTheUnicodeRecommendation() {
        // ED may only be followed by 80..9F: ED is one maximal subpart, each following byte another (as Python does)
        assertEquals("\uFFFD\uFFFD", llama.decode(new int[] {BYTE_0 + 0xED, BYTE_0 + 0xA9}));
        assertEquals("\uFFFD\uFFFD\uFFFD", llama.decode(new int[] {BYTE_0 + 0xED, BYTE_0 + 0xA9, BYTE_0 + 0x80}));
        assertEquals("\uD7FF", llama.decode(new int[] {BYTE_0 + 0xED, BYTE_0 + 0x9F, BYTE_0 + 0xBF}));
    }

    private static boolean hasEncodedSurrogate(byte[] bytes) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if ((bytes[i] & 0xFF) == 0xED && (bytes[i + 1] & 0xFF) >= 0xA0 && (bytes[i + 1] & 0xFF) <= 0xBF) {
                return true;
            }
        }
        return false;
    }

    @Test
    void byteLevelTokensSplittingACharacterAreHeldBack() {
        Tokenizer gpt2 = LlamaCppVectors.tokenizer("gpt-2");
        String text = "Ünïcödé 🚀 ☃ 中文";
        int[] ids = gpt2.encode(text, false, false);
        StreamingDecoder decoder = gpt2.streamingDecoder();
        StringBuilder streamed = new StringBuilder();
        boolean heldBack = false;
        for (int id : ids) {
            String piece = decoder.feed(id);
            assertWellFormed(piece);
            heldBack |= piece.isEmpty();
            streamed.append(piece);
        }
        assertTrue(heldBack, "some GPT-2 token ends inside a character");
        assertEquals(text, streamed.append(decoder.flush()).toString());
    }

    @Test
    void theSpacePrefixIsDroppedAtTheStartAndAfterBosOnly() {
        assertEquals("Hello world", llama.decode(new int[] {HELLO, WORLD}));
        assertEquals("Hello world", llama.decode(new int[] {BOS, HELLO, WORLD, EOS}));
        assertEquals(" world", llama.streamingDecoder(HELLO).feed(WORLD), "a continuation keeps its space");
        assertEquals("Hello", llama.streamingDecoder(BOS).feed(HELLO), "after BOS, as llama2.c prints it");
        StreamingDecoder fromStart = llama.streamingDecoder();
        assertEquals("", fromStart.feed(BOS));
        assertEquals("Hello", fromStart.feed(HELLO));
        assertEquals(" world", fromStart.feed(WORLD));
        assertEquals("", fromStart.feed(EOS), "control tokens produce no text");
        Tokenizer gpt2 = LlamaCppVectors.tokenizer("gpt-2");
        assertEquals(" Hello", gpt2.decode(gpt2.encode(" Hello", false, false)), "byte-level BPE keeps every space");
    }

    @Test
    void tokenBytesAreWhatATokenStandsFor() {
        assertArrayEquals(" Hello".getBytes(StandardCharsets.UTF_8), llama.tokenBytes(HELLO));
        assertArrayEquals("<s>".getBytes(StandardCharsets.UTF_8), llama.tokenBytes(BOS));
        assertArrayEquals(new byte[] {(byte) 0xE2}, llama.tokenBytes(BYTE_0 + 0xE2));
        Tokenizer gpt2 = LlamaCppVectors.tokenizer("gpt-2");
        int newline = gpt2.vocabulary().id("Ċ").orElseThrow();
        assertArrayEquals(new byte[] {'\n'}, gpt2.tokenBytes(newline));
    }

    @Test
    void idsOutsideTheVocabularyAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> llama.decode(new int[] {32000}));
        assertThrows(IllegalArgumentException.class, () -> llama.streamingDecoder().feed(-1));
        assertThrows(IllegalArgumentException.class, () -> llama.tokenBytes(40000));
    }

    private static void assertWellFormed(String piece) {
        for (int i = 0; i < piece.length(); i++) {
            char c = piece.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertTrue(i + 1 < piece.length() && Character.isLowSurrogate(piece.charAt(++i)), piece);
            } else {
                assertFalse(Character.isLowSurrogate(c), piece);
            }
        }
    }
}
