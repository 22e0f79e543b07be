package dev.baton.tokenizer.service;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Serves stories260K.gguf instead of the default test model. */
public class Stories260kProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("baton.tokenizer.model", TokenizerClient.shared("models/stories260K.gguf").toString());
    }
}
