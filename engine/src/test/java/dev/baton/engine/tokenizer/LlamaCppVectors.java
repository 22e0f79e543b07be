package dev.baton.engine.tokenizer;

import dev.baton.engine.SharedFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * llama.cpp's tokenizer test vectors in ../shared/testdata/tokenizer: {@code X.gguf.inp} holds the inputs separated by
 * {@code "\n__ggml_vocab_test__\n"}, {@code X.gguf.out} one line of space-separated ids per input.
 */
final class LlamaCppVectors {
    static final String SEPARATOR = "\n__ggml_vocab_test__\n";
    private static final Map<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

    record Case(String vocab, int index, String input, int[] expected) {
        @Override
        public String toString() {
            String shown = input.length() > 40 ? input.substring(0, 40) + "…" : input;
            return vocab + " #" + index + " \"" + shown.replace("\n", "\\n").replace("\t", "\\t") + "\"";
        }
    }

    private LlamaCppVectors() {
    }

    static Path vocabFile(String vocab) {
        return SharedFiles.testdata("tokenizer/ggml-vocab-" + vocab + ".gguf");
    }

    static Tokenizer tokenizer(String vocab) {
        return LOADED.computeIfAbsent(vocab, v -> {
            try {
                return Tokenizer.fromGguf(vocabFile(v));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    static List<Case> cases(String vocab) throws IOException {
        Path base = vocabFile(vocab);
        String inp = Files.readString(Path.of(base + ".inp"), StandardCharsets.UTF_8);
        if (!inp.endsWith(SEPARATOR)) {
            throw new IllegalStateException(base + ".inp does not end with the separator");
        }
        String[] inputs = inp.substring(0, inp.length() - SEPARATOR.length()).split(SEPARATOR, -1);
        List<String> lines = Files.readAllLines(Path.of(base + ".out"), StandardCharsets.UTF_8);
        if (lines.size() != inputs.length) {
            throw new IllegalStateException(base + ": " + inputs.length + " inputs but " + lines.size() + " outputs");
        }
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            int[] ids = Arrays.stream(lines.get(i).trim().split(" +")).filter(s -> !s.isEmpty())
                    .mapToInt(Integer::parseInt).toArray();
            cases.add(new Case(vocab, i, inputs[i], ids));
        }
        return cases;
    }
}
