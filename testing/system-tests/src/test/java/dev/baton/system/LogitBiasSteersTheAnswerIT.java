package dev.baton.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** OpenAI's logit_bias travels from the gateway through Kafka to the sampling stage and changes what it picks. */
class LogitBiasSteersTheAnswerIT {
    private static final String PROMPT = "Once upon a time";
    private final BatonSystem system = BatonSystem.get();

    @Test
    void aBannedTokenIsNotPickedAndAForcedOneIsPickedEveryTime() {
        int greedyFirst = system.generate(PROMPT, 1).get("token_ids").get(0).asInt();

        JsonNode banned = complete("{\"" + greedyFirst + "\":-100}", 1);
        assertNotEquals(text(greedyFirst), banned.get("choices").get(0).get("text").asText());

        int forced = greedyFirst + 1;
        JsonNode steered = complete("{\"" + forced + "\":100}", 3);
        assertEquals(text(forced).repeat(3), steered.get("choices").get(0).get("text").asText());
    }

    private JsonNode complete(String logitBias, int maxTokens) {
        HttpResponse<String> response = Clients.post(system.gatewayUrl(0), "/v1/completions", "{\"model\":\""
                + system.modelName + "\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":" + maxTokens
                + ",\"temperature\":0,\"ignore_eos\":true,\"logit_bias\":" + logitBias + "}");
        assertEquals(200, response.statusCode(), response.body());
        return Clients.json(response);
    }

    private String text(int token) {
        HttpResponse<String> response = Clients.post(system.gatewayUrl(0), "/detokenize", "{\"model\":\""
                + system.modelName + "\",\"tokens\":[" + token + "]}");
        assertEquals(200, response.statusCode(), response.body());
        return Clients.json(response).get("prompt").asText();
    }
}
