package dev.baton.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Special token ids, encoding defaults and end-of-generation tokens, with llama.cpp's defaults for absent keys. */
class VocabularyNamesSpecialTokensTest {
    @Test
    void stories260KUsesLlamaCppDefaultsForAbsentKeys() throws IOException {
        Vocabulary v = Tokenizer.fromGguf(SharedFiles.model("stories260K.gguf")).vocabulary();
        assertEquals(512, v.size());
        assertEquals("llama", v.model());
        assertEquals(1, v.bos());
        assertEquals(2, v.eos());
        assertEquals(0, v.unk());
        assertEquals(Vocabulary.NONE, v.sep(), "4294967295 means none");
        assertEquals(Vocabulary.NONE, v.pad());
        assertTrue(v.addsBos(), "no add_bos_token key: SentencePiece adds BOS");
        assertFalse(v.addsEos());
        assertTrue(v.addsSpacePrefix(), "no add_space_prefix key: true");
        assertTrue(v.isEndOfGeneration(2));
        assertFalse(v.isEndOfGeneration(1));
        assertArrayEquals(new int[] {0, 1, 2}, v.specialTokenIds());
        assertEquals("<0x0A>", v.tokenText(13));
        assertEquals(TokenType.BYTE, v.tokenType(13));
    }

    @Test
    void gpt2HasNoBosByDefault() {
        Vocabulary v = LlamaCppVectors.tokenizer("gpt-2").vocabulary();
        assertEquals("gpt2", v.model());
        assertEquals("gpt-2", v.preTokenizer());
        assertEquals(50256, v.bos());
        assertEquals(50256, v.eos());
        assertFalse(v.addsBos());
        assertFalse(v.addsSpacePrefix());
        assertArrayEquals(new int[] {50256}, v.endOfGenerationIds());
    }

    @Test
    void phi3EndsGenerationOnItsTurnMarkersToo() {
        Vocabulary v = LlamaCppVectors.tokenizer("phi-3").vocabulary();
        assertEquals(32000, v.eos());
        int end = v.id("<|end|>").orElseThrow();
        assertTrue(v.isEndOfGeneration(32000));
        assertTrue(v.isEndOfGeneration(end), "<|end|> is recognized by its text, as llama.cpp does");
        assertTrue(v.isEndOfGeneration(2), "</s>");
        assertFalse(v.isEndOfGeneration(v.id("<|user|>").orElseThrow()));
        assertEquals(TokenType.CONTROL, v.tokenType(2), "llama.cpp makes end tokens control tokens");
        assertEquals(32000, v.eot());
    }
}
