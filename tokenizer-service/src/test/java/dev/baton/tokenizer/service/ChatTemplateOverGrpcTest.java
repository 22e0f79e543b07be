package dev.baton.tokenizer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.baton.proto.ChatMessage;
import dev.baton.proto.ChatTemplateRequest;
import dev.baton.proto.ChatTemplateResponse;
import dev.baton.proto.EncodeRequest;
import dev.baton.proto.ModelInfoRequest;
import dev.baton.proto.ModelInfoResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ApplyChatTemplate over real gRPC on loopback, for a vocabulary whose GGUF carries a chat template (Phi-3). */
@QuarkusTest
@TestProfile(Phi3VocabProfile.class)
class ChatTemplateOverGrpcTest {
    @TestHTTPResource("/")
    URL root;

    private TokenizerClient client;

    @BeforeEach
    void connect() {
        client = new TokenizerClient(root.getPort());
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        client.close();
    }

    @Test
    void rendersTheModelsTemplateAndTokenizesItsControlTokens() {
        ChatTemplateRequest request = ChatTemplateRequest.newBuilder()
                .addMessages(message("system", "Be brief."))
                .addMessages(message("user", "Hello!"))
                .addMessages(message("assistant", "Hi."))
                .addMessages(message("user", "Why is the sky blue?"))
                .setAddGenerationPrompt(true)
                .build();
        ChatTemplateResponse response = client.stub.applyChatTemplate(request);
        // Phi-3's template writes the BOS itself and skips system turns
        assertEquals("<s><|user|>\nHello!<|end|>\n<|assistant|>\nHi.<|end|>\n<|user|>\nWhy is the sky blue?<|end|>\n"
                + "<|assistant|>\n", response.getText());
        assertFalse(response.getFallbackTemplate());

        List<Integer> expected = client.stub.encode(EncodeRequest.newBuilder()
                .setText(ByteString.copyFromUtf8(response.getText())).setParseSpecial(true).build()).getIdsList();
        assertEquals(expected, response.getIdsList());
        ModelInfoResponse info = client.stub.modelInfo(ModelInfoRequest.getDefaultInstance());
        assertTrue(info.getChatTemplatePresent());
        assertEquals(info.getBosId(), response.getIds(0));
        assertTrue(response.getIds(1) != info.getBosId(), "the template's <s> and the vocabulary's BOS are one token");
        int userToken = info.getSpecialTokensList().stream().filter(t -> t.getText().equals("<|user|>")).findFirst()
                .orElseThrow().getId();
        assertEquals(userToken, response.getIds(1));
    }

    @Test
    void unknownRolesAreRefusedBeforeTheTemplateRuns() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.stub.applyChatTemplate(
                ChatTemplateRequest.newBuilder().addMessages(message("narrator", "Once")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("messages[0].role 'narrator'"), e.getStatus().getDescription());
    }

    @Test
    void templateVariablesAreCheckedAndPassedToTheTemplate() {
        ChatTemplateRequest.Builder hello = ChatTemplateRequest.newBuilder().addMessages(message("user", "Hello!"))
                .setAddGenerationPrompt(true);
        String plain = client.stub.applyChatTemplate(hello.build()).getText();
        // Phi-3's template reads no extra variables, so well-formed ones change nothing
        assertEquals(plain, client.stub.applyChatTemplate(hello.setTemplateKwargsJson(
                ByteString.copyFromUtf8("{\"enable_thinking\": false, \"tools\": [{\"type\": \"function\"}]}"))
                .build()).getText());
        for (String bad : List.of("{\"bos_token\": \"x\"}", "[1, 2]", "{\"a\": ", "\"text\"")) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.stub.applyChatTemplate(
                    hello.setTemplateKwargsJson(ByteString.copyFromUtf8(bad)).build()), bad);
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), bad);
            assertTrue(e.getStatus().getDescription().contains("template_kwargs_json"), e.getStatus().getDescription());
        }
    }

    static ChatMessage message(String role, String content) {
        return ChatMessage.newBuilder().setRole(role).setContent(ByteString.copyFromUtf8(content)).build();
    }
}
