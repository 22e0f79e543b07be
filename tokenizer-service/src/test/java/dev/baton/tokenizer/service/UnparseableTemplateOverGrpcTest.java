package dev.baton.tokenizer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.proto.ModelInfoRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A model whose chat template cannot be parsed still serves its vocabulary; only chat calls fail, saying why. */
@QuarkusTest
@TestProfile(UnparseableTemplateOverGrpcTest.UnclosedTemplate.class)
class UnparseableTemplateOverGrpcTest {
    public static class UnclosedTemplate implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return ChatTemplateFile.phi3VocabWith("{% for message in messages %}\n{{ message.content }}");
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void encodingWorksAndChatCallsAreFailedPrecondition() throws Exception {
        try (TokenizerClient client = new TokenizerClient(root.getPort())) {
            assertTrue(client.stub.modelInfo(ModelInfoRequest.getDefaultInstance()).getChatTemplatePresent());
            assertTrue(client.stub.encode(TokenizerServiceOverGrpcTest.encode("Hello world", false)).getIdsCount() > 0,
                    "Encode still answers");
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> client.stub.applyChatTemplate(TemplateFailuresOverGrpcTest.chat("user", "Hi")));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("line 2: missing {% endfor %} for the {% for %} of line 1"),
                    e.getStatus().getDescription());
        }
    }
}
