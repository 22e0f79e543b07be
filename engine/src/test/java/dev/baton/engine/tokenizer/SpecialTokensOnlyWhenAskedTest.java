package dev.baton.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.baton.engine.gguf.GgufMetadata;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Control tokens are recognized in text only with {@code parseSpecial}, the way llama.cpp partitions text; text never
 * turns into a control token by accident; user-defined tokens are always whole.
 */
class SpecialTokensOnlyWhenAskedTest {
    private static final int BOS = 1;
    private static final int EOS = 2;
    private static final int HELLO = 15043; // "▁Hello" in Llama's vocabulary
    private static final int WORLD = 3186;  // "▁world"

    @TempDir
    Path dir;

    @Test
    void controlTokensInTextAreOrdinaryTextUnlessParsed() {
        Tokenizer llama = LlamaCppVectors.tokenizer("llama-spm");
        int[] plain = llama.encode("<s>Hello</s>", false, false);
        assertFalse(IntStream.of(plain).anyMatch(id -> id == BOS || id == EOS));
        assertEquals("<s>Hello</s>", llama.decode(plain));
        // after a special token llama.cpp puts the space prefix again
        assertArrayEquals(new int[] {BOS, HELLO, EOS, WORLD}, llama.encode("<s>Hello</s>world", false, true));
    }

    @Test
    void addSpecialAddsTheVocabularysBos() {
        Tokenizer llama = LlamaCppVectors.tokenizer("llama-spm");
        assertArrayEquals(new int[] {BOS, HELLO}, llama.encode("Hello", true, false));
        assertArrayEquals(new int[] {BOS}, llama.encode("", true, false));
        assertArrayEquals(new int[0], llama.encode("", false, false));
        Tokenizer gpt2 = LlamaCppVectors.tokenizer("gpt-2");
        assertArrayEquals(gpt2.encode("Hello", false, false), gpt2.encode("Hello", true, false), "GPT-2 adds no BOS");
    }

    @Test
    void phi3SpecialTokensSwallowTheWhitespaceAfterThem() {
        Tokenizer phi3 = LlamaCppVectors.tokenizer("phi-3");
        int user = 32010;
        int end = 32007;
        int assistant = 32001;
        assertArrayEquals(new int[] {user, HELLO, end, assistant},
                phi3.encode("<|user|>\nHello<|end|>\n<|assistant|>", false, true));
        assertFalse(IntStream.of(phi3.encode("<|user|>\nHello", false, false)).anyMatch(id -> id == user));
    }

    @Test
    void userDefinedTokensAreAlwaysWhole() {
        Tokenizer coder = LlamaCppVectors.tokenizer("deepseek-coder");
        int oTilde = coder.vocabulary().id("õ").orElseThrow();
        assertEquals(TokenType.USER_DEFINED, coder.vocabulary().tokenType(oTilde));
        assertArrayEquals(new int[] {oTilde}, coder.encode("õ", false, false));
    }

    @Test
    void longerSpecialTokensWinOverEarlierShorterOnes() throws IOException {
        GgufMetadata source = VocabVariants.original("llama-spm");
        Tokenizer tokenizer = Tokenizer.fromGguf(VocabVariants.edited(dir, "llama-spm",
                VocabVariants.append(source, TokenType.CONTROL, "☃☃", "☃♞♞")));
        int shorter = 32000;
        int longer = 32001;
        // llama.cpp matches the longest token everywhere first: "☃♞♞" at 1 beats "☃☃" at 0
        int[] expected = IntStream.concat(IntStream.of(tokenizer.encode("☃", false, false)), IntStream.of(longer))
                .toArray();
        assertArrayEquals(expected, tokenizer.encode("☃☃♞♞", false, true));
        assertArrayEquals(new int[] {shorter, shorter}, tokenizer.encode("☃☃☃☃", false, true));
    }

    @Test
    void mergesNeverProduceAControlToken() throws IOException {
        GgufMetadata spm = VocabVariants.original("llama-spm");
        Tokenizer llama = Tokenizer.fromGguf(VocabVariants.edited(dir, "llama-spm",
                VocabVariants.retype(spm, HELLO, TokenType.CONTROL)));
        int[] ids = llama.encode("Hello", false, false);
        assertFalse(IntStream.of(ids).anyMatch(id -> id == HELLO));
        assertEquals("Hello", llama.decode(ids));

        GgufMetadata bpe = VocabVariants.original("gpt-2");
        int the = LlamaCppVectors.tokenizer("gpt-2").vocabulary().id("Ġthe").orElseThrow();
        Tokenizer gpt2 = Tokenizer.fromGguf(VocabVariants.edited(dir, "gpt-2",
                VocabVariants.retype(bpe, the, TokenType.CONTROL)));
        int[] bpeIds = gpt2.encode(" the", false, false);
        assertFalse(IntStream.of(bpeIds).anyMatch(id -> id == the));
        assertEquals(" the", gpt2.decode(bpeIds));
    }

    @Test
    void longWhitespaceRunsWithUserDefinedSpaceTokensStayCheap() {
        Tokenizer mpt = LlamaCppVectors.tokenizer("mpt");
        String spaces = " ".repeat(200_000);
        int[] ids = mpt.encode(spaces + "x", false, false);
        assertEquals(spaces + "x", mpt.decode(ids));
    }
}
