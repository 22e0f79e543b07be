package dev.baton.engine.tokenizer;

import dev.baton.engine.gguf.GgufArray;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufMetadata;
import dev.baton.engine.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Vocabulary files made for a test: a shared vocabulary with some metadata changed, written to a temporary folder. */
final class VocabVariants {
    private VocabVariants() {
    }

    /** The metadata of {@code ../shared/testdata/tokenizer/ggml-vocab-VOCAB.gguf} after {@code edit}, reloaded. */
    static GgufMetadata edited(Path dir, String vocab, Consumer<GgufWriter> edit) throws IOException {
        Path out = dir.resolve(vocab + "-variant.gguf");
        try (GgufFile source = GgufFile.open(LlamaCppVectors.vocabFile(vocab));
                GgufWriter writer = GgufWriter.create(out)) {
            writer.putAll(source.metadata());
            edit.accept(writer);
        }
        try (GgufFile file = GgufFile.open(out)) {
            return file.metadata();
        }
    }

    /** Sets the type of token {@code id} in the writer's copy of {@code source}'s token types. */
    static Consumer<GgufWriter> retype(GgufMetadata source, int id, TokenType type) {
        int[] types = source.getIntArray("tokenizer.ggml.token_type");
        types[id] = type.ggufValue();
        return w -> w.putArray("tokenizer.ggml.token_type", GgufArray.ofInts(types));
    }

    /** Appends tokens (score 0) of one type to the vocabulary. */
    static Consumer<GgufWriter> append(GgufMetadata source, TokenType type, String... texts) {
        String[] tokens = source.getStringArray("tokenizer.ggml.tokens");
        int n = tokens.length;
        String[] allTokens = java.util.Arrays.copyOf(tokens, n + texts.length);
        int[] types = java.util.Arrays.copyOf(source.getIntArray("tokenizer.ggml.token_type"), n + texts.length);
        for (int i = 0; i < texts.length; i++) {
            allTokens[n + i] = texts[i];
            types[n + i] = type.ggufValue();
        }
        return w -> {
            w.putArray("tokenizer.ggml.tokens", GgufArray.ofStrings(allTokens));
            w.putArray("tokenizer.ggml.token_type", GgufArray.ofInts(types));
            if (source.has("tokenizer.ggml.scores")) {
                w.putArray("tokenizer.ggml.scores",
                        GgufArray.ofFloats(java.util.Arrays.copyOf(source.getFloatArray("tokenizer.ggml.scores"),
                                n + texts.length)));
            }
        };
    }

    static GgufMetadata original(String vocab) throws IOException {
        try (GgufFile file = GgufFile.open(LlamaCppVectors.vocabFile(vocab))) {
            return file.metadata();
        }
    }
}
