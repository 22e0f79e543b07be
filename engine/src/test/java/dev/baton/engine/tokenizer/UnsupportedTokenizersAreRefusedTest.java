package dev.baton.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.gguf.GgufArray;
import dev.baton.engine.gguf.GgufFormatException;
import dev.baton.engine.gguf.GgufMetadata;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tokenizer Baton would get wrong is refused when it is loaded, with a message saying why. */
class UnsupportedTokenizersAreRefusedTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownTokenizerModelIsRefused() {
        UnsupportedTokenizerException e = assertThrows(UnsupportedTokenizerException.class,
                () -> Tokenizer.fromGguf(LlamaCppVectors.vocabFile("bert-bge")));
        assertTrue(e.getMessage().contains("tokenizer model 'bert'"), e.getMessage());
    }

    @Test
    void anUnknownPreTokenizerIsRefused() throws IOException {
        GgufMetadata tekken = VocabVariants.edited(dir, "gpt-2", w -> w.putString("tokenizer.ggml.pre", "tekken"));
        UnsupportedTokenizerException e = assertThrows(UnsupportedTokenizerException.class,
                () -> Tokenizer.fromGguf(tekken));
        assertTrue(e.getMessage().contains("pre-tokenizer 'tekken'"), e.getMessage());
        assertTrue(e.getMessage().contains("llama-bpe"), "lists what is supported: " + e.getMessage());
    }

    @Test
    void aMissingPreTokenizerMeansDefaultAsInLlamaCpp() throws IOException {
        GgufMetadata noPre = VocabVariants.edited(dir, "gpt-2", w -> w.remove("tokenizer.ggml.pre"));
        assertEquals("default", Tokenizer.fromGguf(noPre).vocabulary().preTokenizer());
    }

    @Test
    void aModelWithoutTokenizerIsRefused() throws IOException {
        GgufMetadata none = VocabVariants.edited(dir, "gpt-2", w -> w.remove("tokenizer.ggml.model"));
        UnsupportedTokenizerException e = assertThrows(UnsupportedTokenizerException.class,
                () -> Tokenizer.fromGguf(none));
        assertTrue(e.getMessage().contains("has no tokenizer"), e.getMessage());
    }

    @Test
    void byteLevelBpeWithoutMergesIsRefused() throws IOException {
        GgufMetadata noMerges = VocabVariants.edited(dir, "gpt-2", w -> w.remove("tokenizer.ggml.merges"));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> Tokenizer.fromGguf(noMerges));
        assertTrue(e.getMessage().contains("tokenizer.ggml.merges"), e.getMessage());
    }

    @Test
    void duplicateTokensAreRefused() throws IOException {
        GgufMetadata source = VocabVariants.original("llama-spm");
        String[] tokens = source.getStringArray("tokenizer.ggml.tokens");
        tokens[500] = tokens[400];
        GgufMetadata duplicated = VocabVariants.edited(dir, "llama-spm",
                w -> w.putArray("tokenizer.ggml.tokens", GgufArray.ofStrings(tokens)));
        UnsupportedTokenizerException e = assertThrows(UnsupportedTokenizerException.class,
                () -> Tokenizer.fromGguf(duplicated));
        assertTrue(e.getMessage().contains("ids 400 and 500"), e.getMessage());
    }

    @Test
    void addingBosWithoutABosTokenIsRefused() throws IOException {
        GgufMetadata source = VocabVariants.original("gpt-2");
        GgufMetadata noBos = VocabVariants.edited(dir, "gpt-2", w -> w
                .putArray("tokenizer.ggml.tokens", GgufArray.ofStrings(
                        java.util.Arrays.copyOf(source.getStringArray("tokenizer.ggml.tokens"), 5)))
                .putArray("tokenizer.ggml.token_type", GgufArray.ofInts(new int[] {1, 1, 1, 1, 1}))
                .remove("tokenizer.ggml.bos_token_id")
                .remove("tokenizer.ggml.eos_token_id")
                .putBool("tokenizer.ggml.add_bos_token", true));
        UnsupportedTokenizerException e = assertThrows(UnsupportedTokenizerException.class,
                () -> Tokenizer.fromGguf(noBos));
        assertTrue(e.getMessage().contains("bos_token_id is not set"), e.getMessage());
    }
}
