package dev.baton.bench.tokenizer;

import dev.baton.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The vocabulary files of llama.cpp's tokenizer tests in the shared test data: {@code $BATON_SHARED} (bin/baton sets
 * it to {@code ../shared} beside the repository), else {@code ../shared} from the working directory.
 */
final class LlamaCppVocabularies {
    private LlamaCppVocabularies() {
    }

    static Tokenizer load(String vocab) {
        Path file = file(vocab);
        try {
            return Tokenizer.fromGguf(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static Path file(String vocab) {
        return sharedRoot().resolve("testdata/tokenizer/ggml-vocab-" + vocab + ".gguf");
    }

    private static Path sharedRoot() {
        String env = System.getenv("BATON_SHARED");
        Path root = env != null && !env.isBlank() ? Path.of(env)
                : Path.of("..", "shared");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("shared test data not found at " + root.toAbsolutePath().normalize()
                    + " (set BATON_SHARED)");
        }
        return root;
    }
}
