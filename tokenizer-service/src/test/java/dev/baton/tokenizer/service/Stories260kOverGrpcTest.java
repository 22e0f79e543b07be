package dev.baton.tokenizer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.proto.DecodeRequest;
import dev.baton.proto.ModelInfoRequest;
import dev.baton.proto.ModelInfoResponse;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The same service pointed at another vocabulary (512 tokens, byte fallback) by configuration alone. */
@QuarkusTest
@TestProfile(Stories260kProfile.class)
class Stories260kOverGrpcTest {
    @TestHTTPResource("/")
    URL root;

    @Test
    void servesTheConfiguredVocabulary() throws Exception {
        try (TokenizerClient client = new TokenizerClient(root.getPort())) {
            ModelInfoResponse info = client.stub.modelInfo(ModelInfoRequest.getDefaultInstance());
            assertEquals(512, info.getVocabSize());
            assertEquals(2048, info.getContextLength());

            Map<String, List<Integer>> samples = TokenizerClient.goldenSamples("stories260K-greedy.json", "spm_tokenization_samples");
            samples.forEach((text, ids) -> {
                assertEquals(ids, client.stub.encode(TokenizerServiceOverGrpcTest.encode(text, false)).getIdsList(), text);
                assertEquals(text, client.stub.decode(DecodeRequest.newBuilder().addAllIds(ids).build()).getText());
            });
        }
    }
}
