package dev.baton.gateway.system;

import static dev.baton.gateway.system.GatewaySystem.API_KEY;
import static dev.baton.gateway.system.GatewaySystem.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every refusal is OpenAI's error JSON with the right status, naming the parameter, and never a stack trace. */
class ErrorStatusesIT {
    private static final Map<String, String> KEY = Map.of("Authorization", "Bearer " + API_KEY);
    private static GatewaySystem system;

    @BeforeAll
    static void start() {
        system = GatewaySystem.get();
        system.awaitPipelineSeen(system.gatewayA);
        system.awaitPipelineSeen(system.gatewayB);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/v1/completions      | {\"prompt\":\"x\"}                                            | model",
            "/v1/completions      | {\"model\":\"M\"}                                             | prompt",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"\"}                             | prompt",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":{}}                               | prompt",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"n\":2}                    | n",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"temperature\":-1}         | temperature",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"temperature\":\"hot\"}     | temperature",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"top_p\":0}                | top_p",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"top_k\":-2}               | top_k",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"min_p\":1.5}              | min_p",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"max_tokens\":0}           | max_tokens",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"seed\":1.5}               | seed",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"stop\":[1]}               | stop",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"presence_penalty\":3}     | presence_penalty",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"frequency_penalty\":-3}   | frequency_penalty",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"logprobs\":21}            | logprobs",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"stream\":\"yes\"}         | stream",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"echo\":true}              | echo",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":[5,-1]}                           | prompt",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"logit_bias\":[1]}      | logit_bias",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"logit_bias\":{\"a\":1}} | logit_bias",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"logit_bias\":{\"5\":101}} | logit_bias",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"logit_bias\":{\"99999\":1}} | logit_bias",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":[99999]}                          | prompt",
            "/v1/completions      | {\"model\":\"M\",\"prompt\":\"x\",\"max_tokens\":5000}        | max_tokens",
            "/v1/chat/completions | {\"model\":\"M\"}                                             | messages",
            "/v1/chat/completions | {\"model\":\"M\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"json_object\"}} | response_format",
            "/v1/chat/completions | {\"model\":\"M\",\"messages\":[]}                             | messages",
            "/v1/chat/completions | {\"model\":\"M\",\"messages\":[{\"content\":\"hi\"}]}         | messages[0].role",
            "/v1/chat/completions | {\"model\":\"M\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"top_logprobs\":2} | top_logprobs",
            "/v1/chat/completions | {\"model\":\"M\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"chat_template_kwargs\":[1]} | chat_template_kwargs",
            "/v1/chat/completions | {\"model\":\"M\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"chat_template_kwargs\":{\"messages\":1}} | chat_template_kwargs",
            "/v1/chat/completions | {\"model\":\"M\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":{}} | tools",
            "/v1/chat/completions | {\"model\":\"M\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[\"f\"]} | tools[0]",
            "/v1/chat/completions | {\"model\":\"M\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tool_choice\":\"required\"} | tool_choice",
    })
    void invalidParametersAre400NamingTheParameter(String path, String body, String param) {
        HttpResponse<String> response = Api.post(system.gatewayA, path, body.replace("\"M\"", "\"" + MODEL + "\""));
        JsonNode error = assertError(response, 400, "invalid_request_error");
        assertEquals(param, error.get("param").asText(), response.body());
    }

    @Test
    void aPromptLongerThanTheContextIs400WithTheCode() {
        String prompt = "Once upon a time ".repeat(600); // > 2048 tokens
        JsonNode error = assertError(Api.post(system.gatewayA, "/v1/completions",
                "{\"model\":\"" + MODEL + "\",\"prompt\":\"" + prompt + "\"}"), 400, "invalid_request_error");
        assertEquals("prompt", error.get("param").asText());
        assertEquals("context_length_exceeded", error.get("code").asText());
    }

    @Test
    void malformedJsonIs400() {
        for (String body : List.of("{\"model\":", "", "[1,2]", "not json at all", "{\"model\":\"x\"}}")) {
            assertError(Api.post(system.gatewayA, "/v1/completions", body), 400, "invalid_request_error");
        }
    }

    @Test
    void missingOrWrongApiKeyIs401() {
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"max_tokens\":1}";
        assertError(Api.post(system.gatewayB, "/v1/completions", body), 401, "invalid_request_error");
        assertError(Api.post(system.gatewayB, "/v1/completions", body, Map.of("Authorization", "Bearer wrong")), 401,
                "invalid_request_error");
        assertError(Api.get(system.gatewayB, "/v1/models"), 401, "invalid_request_error");
        assertEquals(200, Api.post(system.gatewayB, "/v1/completions", body, KEY).statusCode());
    }

    @Test
    void unknownModelIs404() {
        JsonNode error = assertError(Api.post(system.gatewayA, "/v1/completions",
                "{\"model\":\"gpt-4\",\"prompt\":\"x\"}"), 404, "invalid_request_error");
        assertEquals("model", error.get("param").asText());
        assertEquals("model_not_found", error.get("code").asText());
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String big = "x".repeat(100_000);
        assertError(Api.post(system.gatewayA, "/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"" + big + "\"}"),
                413, "invalid_request_error");
    }

    @Test
    void aBodyPastTheHttpServersOwnDefaultLimitStillGetsTheErrorJson() {
        String huge = "x".repeat(12 << 20); // past Quarkus's 10 MiB default, which would answer an empty 413
        assertError(Api.post(system.gatewayA, "/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"" + huge + "\"}"),
                413, "invalid_request_error");
    }

    @Test
    void requestsPastTheInFlightBoundAre429() {
        String slow = "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"max_tokens\":20}";
        List<CompletableFuture<HttpResponse<String>>> running = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        List<String> ids = List.of("slow-429-a-" + System.nanoTime(), "slow-429-b-" + System.nanoTime());
        for (String id : ids) {
            Map<String, String> headers = Map.of("Authorization", "Bearer " + API_KEY, "X-Request-Id", id);
            running.add(CompletableFuture.supplyAsync(() -> Api.post(system.gatewayB, "/v1/completions", slow, headers), clients));
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!system.pipeline.requests.keySet().containsAll(ids) && System.nanoTime() < deadline) {
            ServiceProcess.sleep(20); // both hold their slots once published
        }
        assertError(Api.post(system.gatewayB, "/v1/completions", slow.replace("20", "1"), KEY), 429, "rate_limit_error");
        running.forEach(r -> assertEquals(200, r.join().statusCode()));
        clients.shutdown();
        assertEquals(200, Api.post(system.gatewayB, "/v1/completions", slow.replace("20", "1"), KEY).statusCode());
    }

    @Test
    void noPipelineAndNoTokenizerAre503() throws Exception {
        try (ServiceProcess lonely = ServiceProcess.start("gateway-no-pipeline", "gateway", Map.of(
                "kafka.bootstrap.servers", system.bootstrapServers,
                "quarkus.grpc.clients.tokenizer.port", String.valueOf(ServiceProcess.freePort()),
                "baton.gateway.model-name", MODEL,
                "baton.gateway.pipeline-group", "a-group-without-pipelines",
                "baton.gateway.reply-partitions", "3"))) {
            JsonNode error = assertError(Api.post(lonely, "/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\"}"),
                    503, "service_unavailable");
            assertEquals("no_pipeline", error.get("code").asText());
            error = assertError(Api.get(lonely, "/v1/models"), 503, "service_unavailable");
            assertEquals("tokenizer_unavailable", error.get("code").asText());
        }
    }

    @Test
    void aRequestThePipelineRefusesGetsItsReason() {
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\"}";
        JsonNode error = assertError(Api.post(system.gatewayA, "/v1/completions", body, Map.of("X-Request-Id", "fail-" + System.nanoTime())),
                400, "invalid_request_error");
        assertTrue(error.get("message").asText().contains("scripted pipeline refuses"));
        Api.Stream stream = Api.stream(system.gatewayA, "/v1/completions", body.replace("}", ",\"stream\":true}"),
                Map.of("X-Request-Id", "fail-" + System.nanoTime()));
        assertEquals(400, stream.status(), "a stream refused before its first token gets a real status");
    }

    @Test
    void aPipelineThatFallsSilentIs504AndTheRequestIsCancelled() {
        String id = "mute-" + System.nanoTime();
        Map<String, String> headers = Map.of("Authorization", "Bearer " + API_KEY, "X-Request-Id", id);
        JsonNode error = assertError(Api.post(system.gatewayB, "/v1/completions",
                "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"max_tokens\":3}", headers), 504, "timeout_error");
        assertEquals("pipeline_timeout", error.get("code").asText());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!system.pipeline.cancels.contains(id) && System.nanoTime() < deadline) {
            ServiceProcess.sleep(20);
        }
        assertTrue(system.pipeline.cancels.contains(id), "the gateway cancels what it gave up on");
        JsonNode status = Api.json(Api.get(system.gatewayB, "/v1/requests/" + id, KEY).body());
        assertEquals("failed", status.get("status").asText());
    }

    @Test
    void aClientIdThatIsStillRunningIs409() {
        String id = "slow-twice-" + System.nanoTime();
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"max_tokens\":10}";
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(
                () -> Api.post(system.gatewayA, "/v1/completions", body, Map.of("X-Request-Id", id)));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!system.pipeline.requests.containsKey(id) && System.nanoTime() < deadline) {
            ServiceProcess.sleep(20);
        }
        assertError(Api.post(system.gatewayA, "/v1/completions", body, Map.of("X-Request-Id", id)), 409, "invalid_request_error");
        assertError(Api.post(system.gatewayA, "/v1/completions", body, Map.of("X-Request-Id", "bad id!")), 400, "invalid_request_error");
        assertEquals(200, first.join().statusCode());
    }

    @Test
    void unknownPathsAndMethodsAreJsonErrors() {
        assertError(Api.get(system.gatewayA, "/v1/nothing-here"), 404, "invalid_request_error");
        assertError(Api.get(system.gatewayA, "/v1/completions"), 405, "invalid_request_error");
        assertError(Api.get(system.gatewayA, "/v1/requests/cmpl-unknown"), 404, "invalid_request_error");
    }

    private static JsonNode assertError(HttpResponse<String> response, int status, String type) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertFalse(response.body().contains("Exception") || response.body().contains("\tat "), response.body());
        JsonNode error = Api.json(response.body()).get("error");
        assertEquals(type, error.get("type").asText(), response.body());
        assertFalse(error.get("message").asText().isEmpty());
        assertTrue(error.has("param") && error.has("code"));
        return error;
    }
}
