package dev.baton.tokenizer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.proto.ChatTemplateRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A conversation the model's template refuses is the caller's problem (INVALID_ARGUMENT, with the template's reason);
 * a template that fails while running is the model's (FAILED_PRECONDITION).
 */
@QuarkusTest
@TestProfile(TemplateFailuresOverGrpcTest.RefusingTemplate.class)
class TemplateFailuresOverGrpcTest {
    /** Refuses system turns as Gemma's template does; calls a filter that does not exist when asked to. */
    public static class RefusingTemplate implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return ChatTemplateFile.phi3VocabWith(
                    "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
                            + "{% endif %}{% if messages[0]['content'] == 'break' %}{{ messages | shuffle }}{% endif %}"
                            + "{{ messages[0]['content'] }}");
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void refusalsAreInvalidArgumentAndTemplateBugsFailedPrecondition() throws Exception {
        try (TokenizerClient client = new TokenizerClient(root.getPort())) {
            assertEquals("fine", client.stub.applyChatTemplate(chat("user", "fine")).getText());

            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> client.stub.applyChatTemplate(chat("system", "Be brief.")));
            assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
            assertEquals("the model's chat template refused the conversation: System role not supported",
                    refused.getStatus().getDescription());

            StatusRuntimeException broken = assertThrows(StatusRuntimeException.class,
                    () -> client.stub.applyChatTemplate(chat("user", "break")));
            assertEquals(Status.Code.FAILED_PRECONDITION, broken.getStatus().getCode());
            assertTrue(broken.getStatus().getDescription().contains("unknown filter 'shuffle'"),
                    broken.getStatus().getDescription());
        }
    }

    static ChatTemplateRequest chat(String role, String content) {
        return ChatTemplateRequest.newBuilder().addMessages(ChatTemplateOverGrpcTest.message(role, content)).build();
    }
}
