package dev.baton.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every llama.cpp tokenizer test vector whose vocabulary file is present must encode exactly as llama.cpp does
 * ({@code add_special = false, parse_special = false}).
 */
class EncodeMatchesLlamaCppVectorsTest {
    static final List<String> VOCABS = List.of("llama-spm", "phi-3", "gpt-2", "deepseek-coder", "deepseek-llm",
            "falcon", "mpt", "refact", "starcoder");

    static List<LlamaCppVectors.Case> cases() throws IOException {
        List<LlamaCppVectors.Case> all = new ArrayList<>();
        for (String vocab : VOCABS) {
            if (Files.exists(LlamaCppVectors.vocabFile(vocab))) {
                all.addAll(LlamaCppVectors.cases(vocab));
            }
        }
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodesLikeLlamaCpp(LlamaCppVectors.Case c) {
        Tokenizer tokenizer = LlamaCppVectors.tokenizer(c.vocab());
        assertArrayEquals(c.expected(), tokenizer.encode(c.input(), false, false), () -> c
                + "\n expected " + java.util.Arrays.toString(c.expected())
                + "\n actual   " + java.util.Arrays.toString(tokenizer.encode(c.input(), false, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodingTheExpectedIdsGivesTheInputBack(LlamaCppVectors.Case c) {
        Tokenizer tokenizer = LlamaCppVectors.tokenizer(c.vocab());
        assertEquals(c.input(), tokenizer.decode(c.expected()), c::toString);
    }
}
