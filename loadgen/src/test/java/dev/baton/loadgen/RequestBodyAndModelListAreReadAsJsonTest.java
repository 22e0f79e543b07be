package dev.baton.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** bench-http writes its request and reads the model list without a JSON library: both checked against Jackson. */
class RequestBodyAndModelListAreReadAsJsonTest {
    @Test
    void theRequestBodyCarriesAnyPromptAndModelName() throws IOException {
        String prompt = "say \"hi\"\\ \n\r\t\u0001\u001f é 字 \uD83D\uDE00 </script>";
        BenchOptions options = BenchOptions.parse(new String[] {"--prompt", prompt, "--max-tokens", "7"});
        JsonNode body = new ObjectMapper().readTree(StreamedRequest.body(options, "m\"odel"));
        assertEquals(prompt, body.get("prompt").asText());
        assertEquals("m\"odel", body.get("model").asText());
        assertEquals(7, body.get("max_tokens").asInt());
        assertEquals(0, body.get("temperature").asInt());
        assertEquals(true, body.get("stream").asBoolean());
        assertEquals(true, body.get("ignore_eos").asBoolean());
        assertEquals(true, body.at("/stream_options/include_usage").asBoolean());
    }

    @Test
    void theFirstModelOfTheListIsTaken() throws IOException {
        assertEquals("stories260K", BenchHttp.firstModelId(bytes("{\"object\":\"list\",\"data\":[{\"id\":\"stories260K\","
                + "\"object\":\"model\",\"created\":1,\"owned_by\":\"baton\",\"meta\":{\"n\":[1,2]}},{\"id\":\"other\"}]}")));
        assertEquals("a", BenchHttp.firstModelId(bytes("{\"data\":[{\"object\":\"model\",\"id\":\"a\"}],\"object\":\"list\"}")));
        assertNull(BenchHttp.firstModelId(bytes("{\"object\":\"list\",\"data\":[]}")));
        assertNull(BenchHttp.firstModelId(bytes("{\"object\":\"list\"}")));
        assertThrows(IOException.class, () -> BenchHttp.firstModelId(bytes("{\"data\":[{\"id\":\"a\"}]")));
        assertThrows(IOException.class, () -> BenchHttp.firstModelId(bytes("<html>")));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
