package dev.baton.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Through gateway, Kafka, the tokenizer service and a 2-stage pipeline, greedy answers are the ones the engine gives
 * alone in one process ({@code bin/baton generate}): streamed or not, completions or chat.
 */
class GreedyAnswersMatchBatonGenerateIT {
    private static final int MAX_TOKENS = 24;
    private final BatonSystem system = BatonSystem.get();
    private final OpenAIClient client = Clients.openAi(system.gatewayUrl(0));

    @Test
    void completionEqualsBatonGenerate() {
        String prompt = "Once upon a time, there was a little girl";
        JsonNode expected = system.generate(prompt, MAX_TOKENS);

        Completion completion = client.completions().create(completionParams(prompt));

        assertEquals(expected.get("text").asText(), completion.choices().getFirst().text());
        assertEquals(expected.get("token_ids").size(), completion.usage().orElseThrow().completionTokens());
        assertEquals(expected.get("prompt_ids").size(), completion.usage().orElseThrow().promptTokens());
        assertEquals(expected.get("finish_reason").asText(), completion.choices().getFirst().finishReason().asString());
    }

    @Test
    void streamedCompletionEqualsBatonGenerate() {
        String prompt = "The dog ran to the park";
        JsonNode expected = system.generate(prompt, MAX_TOKENS);

        StringBuilder text = new StringBuilder();
        List<String> finishReasons = new ArrayList<>();
        try (StreamResponse<Completion> stream = client.completions().createStreaming(completionParams(prompt))) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> {
                text.append(choice.text());
                choice._finishReason().asKnown().ifPresent(reason -> finishReasons.add(reason.asString()));
            }));
        }

        assertEquals(expected.get("text").asText(), text.toString());
        assertEquals(List.of(expected.get("finish_reason").asText()), finishReasons);
    }

    @Test
    void chatStreamedOrNotEqualsBatonGenerateOnTheRenderedPrompt() {
        String question = "Tell me a story about a cat.";
        HttpResponse<String> tokenized = Clients.post(system.gatewayUrl(0), "/tokenize",
                "{\"model\":\"" + system.modelName + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + question + "\"}]}");
        assertEquals(200, tokenized.statusCode(), tokenized.body());
        JsonNode rendered = Clients.json(tokenized);
        List<Integer> promptIds = new ArrayList<>();
        rendered.get("tokens").forEach(id -> promptIds.add(id.asInt()));
        JsonNode expected = system.generateFromIds(promptIds, MAX_TOKENS);
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(system.modelName).addUserMessage(question).maxTokens(MAX_TOKENS).temperature(0.0).build();

        ChatCompletion whole = client.chat().completions().create(params);
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice ->
                    choice.delta().content().ifPresent(streamed::append)));
        }

        String expectedText = expected.get("text").asText();
        assertTrue(!expectedText.isEmpty(), "the engine generated some text");
        assertEquals(expectedText, whole.choices().getFirst().message().content().orElse(""));
        assertEquals(expectedText, streamed.toString());
        assertEquals(promptIds.size(), whole.usage().orElseThrow().promptTokens());
    }

    private CompletionCreateParams completionParams(String prompt) {
        return CompletionCreateParams.builder().model(system.modelName).prompt(prompt).maxTokens(MAX_TOKENS)
                .temperature(0.0).build();
    }
}
