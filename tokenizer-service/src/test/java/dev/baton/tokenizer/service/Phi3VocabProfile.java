package dev.baton.tokenizer.service;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Serves llama.cpp's Phi-3 vocabulary file, which carries Phi-3's chat template. */
public class Phi3VocabProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("baton.tokenizer.model",
                TokenizerClient.shared("testdata/tokenizer/ggml-vocab-phi-3.gguf").toString());
    }
}
