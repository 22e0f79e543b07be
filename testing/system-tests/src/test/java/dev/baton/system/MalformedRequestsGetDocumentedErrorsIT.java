package dev.baton.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.completions.CompletionCreateParams;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Bad requests get the status and OpenAI error object gateway/README.md documents, both as the SDK surfaces them and
 * on the wire, and the system keeps serving afterwards.
 */
class MalformedRequestsGetDocumentedErrorsIT {
    private final BatonSystem system = BatonSystem.get();
    private final String gateway = system.gatewayUrl(0);
    private final OpenAIClient client = Clients.openAi(gateway);

    @Test
    void sdkSeesBadParameterAndUnknownModel() {
        BadRequestException negative = assertThrows(BadRequestException.class, () -> client.completions().create(
                CompletionCreateParams.builder().model(system.modelName).prompt("hi").maxTokens(-3).build()));
        assertEquals("max_tokens", negative.param().orElse(null));
        assertEquals("invalid_request_error", negative.type().orElse(null));

        NotFoundException unknown = assertThrows(NotFoundException.class, () -> client.completions().create(
                CompletionCreateParams.builder().model("no-such-model").prompt("hi").maxTokens(4).build()));
        assertEquals("model_not_found", unknown.code().orElse(null));
    }

    @Test
    void brokenJsonIsA400WithoutAStackTrace() {
        assertError(Clients.post(gateway, "/v1/completions", "{\"model\": \"" + system.modelName + "\", \"prompt\": "),
                400, "invalid_request_error", null);
    }

    @Test
    void wrongTypeNamesTheParameter() {
        assertError(Clients.post(gateway, "/v1/completions",
                "{\"model\":\"" + system.modelName + "\",\"prompt\":\"hi\",\"temperature\":\"hot\"}"),
                400, "invalid_request_error", "temperature");
    }

    @Test
    void promptOverTheContextIsRefusedBeforePublishing() {
        String longPrompt = "once upon a time ".repeat(1000);
        HttpResponse<String> response = Clients.post(gateway, "/v1/completions",
                "{\"model\":\"" + system.modelName + "\",\"prompt\":\"" + longPrompt + "\",\"max_tokens\":8}");
        JsonNode error = assertError(response, 400, "invalid_request_error", null);
        assertEquals("context_length_exceeded", error.path("code").asText());
    }

    @Test
    void unknownPathAndUnknownRequestIdAre404() {
        assertError(Clients.get(gateway, "/v1/nothing-here"), 404, "invalid_request_error", null);
        assertError(Clients.get(gateway, "/v1/requests/cmpl-000000000000ffffffffffffffff"), 404,
                "invalid_request_error", "id");
    }

    private static JsonNode assertError(HttpResponse<String> response, int status, String type, String param) {
        assertEquals(status, response.statusCode(), response.body());
        assertFalse(response.body().contains("Exception"), "no stack trace: " + response.body());
        JsonNode error = Clients.json(response).path("error");
        assertEquals(type, error.path("type").asText(), response.body());
        assertFalse(error.path("message").asText().isBlank(), response.body());
        if (param != null) {
            assertEquals(param, error.path("param").asText(), response.body());
        }
        return error;
    }
}
