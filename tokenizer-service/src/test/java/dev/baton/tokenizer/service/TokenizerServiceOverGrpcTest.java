package dev.baton.tokenizer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.baton.proto.ChatMessage;
import dev.baton.proto.ChatTemplateRequest;
import dev.baton.proto.ChatTemplateResponse;
import dev.baton.proto.DecodeRequest;
import dev.baton.proto.EncodeRequest;
import dev.baton.proto.ModelInfoRequest;
import dev.baton.proto.ModelInfoResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The service as a real gRPC server on loopback, serving TinyStories-656K-f32.gguf. */
@QuarkusTest
class TokenizerServiceOverGrpcTest {
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
    void encodesTheGoldenSamplesAndDecodesThemBack() {
        Map<String, List<Integer>> samples = TokenizerClient.goldenSamples("TinyStories-656K-greedy.json", "tokenization_samples");
        samples.forEach((text, ids) -> {
            assertEquals(ids, client.stub.encode(encode(text, false)).getIdsList(), text);
            assertEquals(ids.size(), client.stub.countTokens(encode(text, false)).getCount(), text);
            assertEquals(text, client.stub.decode(DecodeRequest.newBuilder().addAllIds(ids).build()).getText());
        });
    }

    @Test
    void addSpecialPutsTheBosFirst() {
        ModelInfoResponse info = client.stub.modelInfo(ModelInfoRequest.getDefaultInstance());
        List<Integer> ids = client.stub.encode(encode("Once upon a time", true)).getIdsList();
        assertEquals(info.getBosId(), ids.getFirst());
        assertEquals(client.stub.encode(encode("Once upon a time", false)).getIdsList(), ids.subList(1, ids.size()));
    }

    @Test
    void modelInfoDescribesTheFile() {
        ModelInfoResponse info = client.stub.modelInfo(ModelInfoRequest.getDefaultInstance());
        assertEquals("llama", info.getArchitecture());
        assertEquals("llama", info.getTokenizerModel());
        assertTrue(info.getVocabSize() > 256, "vocab size " + info.getVocabSize());
        assertEquals(1, info.getBosId());
        assertEquals(2, info.getEosId());
        assertTrue(info.getEndOfGenerationIdsList().contains(2));
        assertTrue(info.getContextLength() > 0);
        assertFalse(info.getChatTemplatePresent());
        assertFalse(info.getModel().isBlank());
    }

    @Test
    void invalidUtf8IsRefusedNamingTheOffset() {
        byte[] bad = {'o', 'k', (byte) 0xC3, '(', 'x'};
        assertInvalid(() -> client.stub.encode(EncodeRequest.newBuilder().setText(ByteString.copyFrom(bad)).build()),
                "byte offset 2");
        byte[] truncated = {'a', (byte) 0xE2, (byte) 0x82};
        assertInvalid(() -> client.stub.countTokens(EncodeRequest.newBuilder().setText(ByteString.copyFrom(truncated)).build()),
                "not valid UTF-8");
    }

    @Test
    void inputTooLargeForTheEventLoopIsAnsweredOnAWorkerThreadAlike() {
        String text = "Once upon a time there was a little dog. ".repeat(800);
        assertTrue(text.length() > 2 * TokenizerGrpcService.EVENT_LOOP_MAX_TEXT_BYTES);
        List<Integer> ids = client.stub.encode(encode(text, false)).getIdsList();
        assertTrue(ids.size() > TokenizerGrpcService.EVENT_LOOP_MAX_IDS, "ids " + ids.size());
        assertEquals(ids.size(), client.stub.countTokens(encode(text, false)).getCount());
        assertEquals(text, client.stub.decode(DecodeRequest.newBuilder().addAllIds(ids).build()).getText());
        ByteString badTail = ByteString.copyFromUtf8(text).concat(ByteString.copyFrom(new byte[] {(byte) 0xC3, '('}));
        assertInvalid(() -> client.stub.encode(EncodeRequest.newBuilder().setText(badTail).build()),
                "byte offset " + text.length());
    }

    @Test
    void inputOverTheLimitIsRefused() {
        ByteString big = ByteString.copyFrom(new byte[1024 * 1024 + 1]);
        assertInvalid(() -> client.stub.encode(EncodeRequest.newBuilder().setText(big).build()), "max-input-bytes");
    }

    @Test
    void idsOutsideTheVocabularyAreRefused() {
        int size = client.stub.modelInfo(ModelInfoRequest.getDefaultInstance()).getVocabSize();
        assertInvalid(() -> client.stub.decode(DecodeRequest.newBuilder().addIds(1).addIds(size).build()), "ids[1]");
        assertInvalid(() -> client.stub.decode(DecodeRequest.newBuilder().addIds(-1).build()), "ids[0] = -1");
    }

    @Test
    void unknownRolesAndEmptyChatsAreRefused() {
        ChatMessage robot = ChatMessage.newBuilder().setRole("robot").setContent(ByteString.copyFromUtf8("hi")).build();
        assertInvalid(() -> client.stub.applyChatTemplate(ChatTemplateRequest.newBuilder().addMessages(robot).build()),
                "messages[0].role 'robot'");
        assertInvalid(() -> client.stub.applyChatTemplate(ChatTemplateRequest.getDefaultInstance()), "must not be empty");
        ChatMessage badText = ChatMessage.newBuilder().setRole("user").setContent(ByteString.copyFrom(new byte[] {(byte) 0xFF})).build();
        assertInvalid(() -> client.stub.applyChatTemplate(ChatTemplateRequest.newBuilder().addMessages(badText).build()),
                "messages[0].content is not valid UTF-8");
    }

    @Test
    void aModelWithoutATemplateGetsThePlainFallback() {
        ChatTemplateResponse response = client.stub.applyChatTemplate(ChatTemplateRequest.newBuilder()
                .addMessages(ChatTemplateOverGrpcTest.message("user", "Tell me a story."))
                .setAddGenerationPrompt(true).build());
        assertTrue(response.getFallbackTemplate());
        assertEquals("user: Tell me a story.\nassistant:", response.getText());
        assertEquals(client.stub.encode(encode(response.getText(), true)).getIdsList(), response.getIdsList());
    }

    @Test
    void emptyTextIsNoTokens() {
        assertEquals(0, client.stub.encode(encode("", false)).getIdsCount());
        assertEquals("", client.stub.decode(DecodeRequest.getDefaultInstance()).getText());
    }

    @Test
    void readyOnceLoaded() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(root.toString() + "q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"tokenizer\""), response.body());
    }

    static EncodeRequest encode(String text, boolean addSpecial) {
        return EncodeRequest.newBuilder().setText(ByteString.copyFromUtf8(text)).setAddSpecial(addSpecial).build();
    }

    private static void assertInvalid(Executable call, String messagePart) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains(messagePart), e.getStatus().getDescription());
    }
}
