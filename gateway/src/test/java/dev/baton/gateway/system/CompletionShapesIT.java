package dev.baton.gateway.system;

import static dev.baton.gateway.system.GatewaySystem.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.proto.InferenceRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI response shapes, streaming and not, and what the gateway publishes for a request. */
class CompletionShapesIT {
    private static GatewaySystem system;

    @BeforeAll
    static void start() {
        system = GatewaySystem.get();
        system.awaitPipelineSeen(system.gatewayA);
    }

    @Test
    void nonStreamingCompletionIsOneTextCompletionWithUsage() {
        HttpResponse<String> response = Api.post(system.gatewayA, "/v1/completions",
                "{\"model\":\"" + MODEL + "\",\"prompt\":\"Once upon a time\",\"max_tokens\":4}");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = Api.json(response.body());
        String id = body.get("id").asText();
        assertTrue(id.startsWith("cmpl-"), id);
        assertEquals("text_completion", body.get("object").asText());
        assertEquals(MODEL, body.get("model").asText());
        JsonNode choice = body.get("choices").get(0);
        assertEquals(0, choice.get("index").asInt());
        assertEquals("w0 w1 w2 w3 ", choice.get("text").asText());
        assertEquals("length", choice.get("finish_reason").asText());
        assertTrue(choice.get("logprobs").isNull());
        assertEquals(5, body.get("usage").get("prompt_tokens").asInt());
        assertEquals(4, body.get("usage").get("completion_tokens").asInt());
        assertEquals(9, body.get("usage").get("total_tokens").asInt());

        InferenceRequest published = system.pipeline.requests.get(id);
        assertEquals(MODEL, published.getModel());
        assertEquals(List.of(1, 403, 407, 261, 378), published.getPromptTokenIdsList(), "tokenized by the tokenizer service");
        assertEquals(4, published.getMaxTokens());
        assertTrue(published.getReplyPartition() == 0 || published.getReplyPartition() == 1);
        assertEquals(1f, published.getSampling().getTemperature(), "OpenAI's default temperature");
        assertTrue(published.getCreatedAtMs() > 0);
    }

    @Test
    void streamingCompletionSendsChunksThenDone() {
        Api.Stream stream = Api.stream(system.gatewayA, "/v1/completions", "{\"model\":\"" + MODEL
                + "\",\"prompt\":\"Once\",\"max_tokens\":3,\"stream\":true,\"stream_options\":{\"include_usage\":true}}", Map.of());
        assertEquals(200, stream.status());
        assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
        assertEquals("[DONE]", stream.data().getLast());
        List<JsonNode> chunks = stream.chunks();
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks.subList(0, chunks.size() - 1)) {
            assertEquals("text_completion", chunk.get("object").asText());
            text.append(chunk.get("choices").get(0).get("text").asText());
        }
        assertEquals("w0 w1 w2 ", text.toString());
        JsonNode last = chunks.get(chunks.size() - 2).get("choices").get(0);
        assertEquals("length", last.get("finish_reason").asText());
        JsonNode usage = chunks.getLast();
        assertTrue(usage.get("choices").isEmpty());
        assertEquals(3, usage.get("usage").get("completion_tokens").asInt());
        assertEquals(chunks.getFirst().get("id").asText(), usage.get("id").asText());
    }

    @Test
    void samplingParametersArePublishedAsGiven() {
        HttpResponse<String> response = Api.post(system.gatewayA, "/v1/completions", "{\"model\":\"" + MODEL
                + "\",\"prompt\":[1,403,407],\"max_tokens\":2,\"temperature\":0.5,\"top_p\":0.9,\"top_k\":40,"
                + "\"min_p\":0.05,\"seed\":42,\"stop\":[\"\\n\",\"The end\"],\"presence_penalty\":0.5,"
                + "\"frequency_penalty\":0.25,\"ignore_eos\":true,\"logprobs\":2,\"logit_bias\":{\"13\":-100,\"7\":2.5}}");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = Api.json(response.body());
        InferenceRequest published = system.pipeline.requests.get(body.get("id").asText());
        assertEquals(List.of(1, 403, 407), published.getPromptTokenIdsList());
        assertEquals(0.5f, published.getSampling().getTemperature());
        assertEquals(0.9f, published.getSampling().getTopP());
        assertEquals(40, published.getSampling().getTopK());
        assertEquals(0.05f, published.getSampling().getMinP());
        assertEquals(42L, published.getSampling().getSeed());
        assertEquals(0.5f, published.getSampling().getPresencePenalty());
        assertEquals(0.25f, published.getSampling().getFrequencyPenalty());
        assertEquals(List.of("\n", "The end"), published.getStopStringsList());
        assertTrue(published.getIgnoreEos());
        assertTrue(published.getSampling().getLogprobs());
        assertEquals(2, published.getSampling().getTopLogprobs());
        assertEquals(Map.of(13, -100f, 7, 2.5f), published.getSampling().getLogitBiasMap());

        JsonNode logprobs = body.get("choices").get(0).get("logprobs");
        assertEquals(List.of("w0 ", "w1 "), List.of(logprobs.get("tokens").get(0).asText(), logprobs.get("tokens").get(1).asText()));
        assertEquals(-0.5, logprobs.get("token_logprobs").get(0).asDouble(), 1e-6);
        assertEquals(-1.0, logprobs.get("top_logprobs").get(0).get("alt0").asDouble(), 1e-6);
        assertEquals(3, logprobs.get("text_offset").get(1).asInt());
    }

    @Test
    void aSeedIsDrawnWhenTheClientGivesNone() {
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"a\",\"max_tokens\":1}";
        String first = Api.json(Api.post(system.gatewayA, "/v1/completions", body).body()).get("id").asText();
        String second = Api.json(Api.post(system.gatewayA, "/v1/completions", body).body()).get("id").asText();
        assertFalse(system.pipeline.requests.get(first).getSampling().getSeed()
                == system.pipeline.requests.get(second).getSampling().getSeed());
    }

    @Test
    void chatCompletionAnswersAsTheAssistant() {
        String request = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Tell a story\"}],\"max_tokens\":2,\"logprobs\":true,\"top_logprobs\":1}";
        HttpResponse<String> response = Api.post(system.gatewayA, "/v1/chat/completions", request);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = Api.json(response.body());
        assertTrue(body.get("id").asText().startsWith("chatcmpl-"));
        assertEquals("chat.completion", body.get("object").asText());
        JsonNode choice = body.get("choices").get(0);
        assertEquals("assistant", choice.get("message").get("role").asText());
        assertEquals("w0 w1 ", choice.get("message").get("content").asText());
        JsonNode first = choice.get("logprobs").get("content").get(0);
        assertEquals("w0 ", first.get("token").asText());
        assertEquals(List.of(119, 48, 32), List.of(first.get("bytes").get(0).asInt(), first.get("bytes").get(1).asInt(),
                first.get("bytes").get(2).asInt()));
        assertEquals("alt0", first.get("top_logprobs").get(0).get("token").asText());

        Api.Stream stream = Api.stream(system.gatewayA, "/v1/chat/completions",
                request.replace("\"max_tokens\":2", "\"max_tokens\":2,\"stream\":true"), Map.of());
        List<JsonNode> chunks = stream.chunks();
        assertEquals("chat.completion.chunk", chunks.getFirst().get("object").asText());
        assertEquals("assistant", chunks.getFirst().get("choices").get(0).get("delta").get("role").asText());
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.get("choices").get(0).get("delta").path("content").asText("")));
        assertEquals("w0 w1 ", text.toString());
        assertEquals("length", chunks.getLast().get("choices").get(0).get("finish_reason").asText());
        assertEquals("[DONE]", stream.data().getLast());
    }

    @Test
    void modelsListsTheServedModel() {
        JsonNode models = Api.json(Api.get(system.gatewayA, "/v1/models").body());
        assertEquals("list", models.get("object").asText());
        assertEquals(MODEL, models.get("data").get(0).get("id").asText());
        assertEquals(2048, models.get("data").get(0).get("context_length").asInt());
    }

    @Test
    void tokenizeAndDetokenizeGoThroughTheTokenizerService() {
        JsonNode tokens = Api.json(Api.post(system.gatewayA, "/tokenize", "{\"prompt\":\"Once upon a time\"}").body());
        assertEquals(5, tokens.get("count").asInt());
        assertEquals(1, tokens.get("tokens").get(0).asInt());
        assertEquals(2048, tokens.get("max_model_len").asInt());
        JsonNode text = Api.json(Api.post(system.gatewayA, "/detokenize", "{\"tokens\":[403,407,261,378]}").body());
        assertEquals("Once upon a time", text.get("prompt").asText());
        JsonNode chat = Api.json(Api.post(system.gatewayA, "/tokenize",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]}").body());
        assertTrue(chat.get("count").asInt() > 5, "the chat template adds its own text around the message: " + chat);
    }

    @Test
    void toolsAndChatTemplateKwargsReachTheChatTemplate() {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]";
        String extras = ",\"chat_template_kwargs\":{\"greeting\":\"Hello there\"},"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{}}}]";
        JsonNode plain = Api.json(Api.post(system.gatewayA, "/tokenize", "{" + messages + "}").body());
        JsonNode rendered = Api.json(Api.post(system.gatewayA, "/tokenize", "{" + messages + extras + "}").body());
        String text = Api.json(Api.post(system.gatewayA, "/detokenize",
                "{\"tokens\":" + rendered.get("tokens") + "}").body()).get("prompt").asText();
        assertTrue(text.contains("Hello there\ntools: get_weather"), text);
        assertTrue(text.contains("user: Once upon a time\nassistant:"), text);
        assertTrue(rendered.get("count").asInt() > plain.get("count").asInt(), rendered + " vs " + plain);

        String id = "kwargs-" + System.nanoTime();
        HttpResponse<String> response = Api.post(system.gatewayA, "/v1/chat/completions", "{\"model\":\"" + MODEL
                + "\",\"max_tokens\":2," + messages + extras + "}", Map.of("X-Request-Id", id));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(rendered.get("count").asInt(), Api.json(response.body()).get("usage").get("prompt_tokens").asInt());
        assertEquals(rendered.get("count").asInt(), system.pipeline.requests.get(id).getPromptTokenIdsCount());
    }
}
