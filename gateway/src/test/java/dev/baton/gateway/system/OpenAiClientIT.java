package dev.baton.gateway.system;

import static dev.baton.gateway.system.GatewaySystem.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java client reads every answer shape of the gateway; whole answers and chat chunks also pass
 * its strict validation. (Completion stream chunks cannot: the client checks them against the whole-answer schema,
 * where finish_reason is required, while OpenAI itself sends null until the last chunk, as the gateway does.)
 */
class OpenAiClientIT {
    private static GatewaySystem system;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        system = GatewaySystem.get();
        system.awaitPipelineSeen(system.gatewayA);
        client = OpenAIOkHttpClient.builder().baseUrl(system.gatewayA.baseUrl() + "/v1").apiKey("unused")
                .maxRetries(0).build();
    }

    @Test
    void completionsStreamingAndNot() {
        CompletionCreateParams params = CompletionCreateParams.builder().model(MODEL).prompt("Once upon a time")
                .maxTokens(3).temperature(0.0).build();
        Completion completion = client.completions().create(params).validate();
        assertEquals("w0 w1 w2 ", completion.choices().getFirst().text());
        assertEquals(3, completion.usage().orElseThrow().completionTokens());

        StringBuilder text = new StringBuilder();
        try (StreamResponse<Completion> stream = client.completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> text.append(c.text())));
        }
        assertEquals("w0 w1 w2 ", text.toString());
    }

    @Test
    void chatStreamingAndNot() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(MODEL)
                .addSystemMessage("Be brief.").addUserMessage("Tell a story").maxCompletionTokens(2).build();
        ChatCompletion chat = client.chat().completions().create(params).validate();
        assertEquals("w0 w1 ", chat.choices().getFirst().message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, chat.choices().getFirst().finishReason());

        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.validate().choices()
                    .forEach(c -> c.delta().content().ifPresent(text::append)));
        }
        assertEquals("w0 w1 ", text.toString());
    }

    @Test
    void errorsArriveAsTheClientsExceptions() {
        BadRequestException refused = assertThrows(BadRequestException.class, () -> client.completions().create(
                CompletionCreateParams.builder().model(MODEL).prompt("x").temperature(-1.0).build()));
        assertEquals(400, refused.statusCode());
    }
}
