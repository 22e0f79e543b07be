package dev.baton.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class StreamChunkReadsWhatBenchHttpCountsTest {
    @Test
    void aTextChunkGivesItsFirstChoicesTextWhateverElseItCarries() throws IOException {
        StreamChunk chunk = StreamChunk.parse("{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,"
                + "\"model\":\"m\",\"choices\":[{\"index\":0,\"text\":\" say \\\"hi\\\"\\n\\u00e9\","
                + "\"logprobs\":{\"tokens\":[\"a\"],\"top_logprobs\":[{\"a\":-0.5}]},\"finish_reason\":null},"
                + "{\"index\":1,\"text\":\"not this\"}]}");
        assertEquals(" say \"hi\"\né", chunk.text());
        assertEquals(-1, chunk.completionTokens());
        assertNull(chunk.error());
    }

    @Test
    void theUsageChunkGivesTheCompletionTokensAndThePipelinesPrefill() throws IOException {
        StreamChunk chunk = StreamChunk.parse("{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,"
                + "\"completion_tokens\":64,\"total_tokens\":69,\"timings\":{\"queue_ms\":3,\"prefill_ms\":7,\"decode_ms\":90}}}");
        assertEquals("", chunk.text());
        assertEquals(64, chunk.completionTokens());
        assertEquals(7, chunk.prefillMs());
        StreamChunk withoutTimings = StreamChunk.parse("{\"choices\":[],\"usage\":{\"completion_tokens\":3}}");
        assertEquals(3, withoutTimings.completionTokens());
        assertEquals(-1, withoutTimings.prefillMs());
    }

    @Test
    void anErrorEventGivesItsMessage() throws IOException {
        assertEquals("boom", StreamChunk.parse("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"param\":null,"
                + "\"code\":null}}").error());
    }

    @Test
    void whatIsNotOneJsonObjectIsRefused() {
        for (String bad : new String[]{"", "[]", "{\"choices\":[{\"text\":\"a\"}]", "{\"choices\":[]} x",
                "{\"choices\":[{\"text\":\"a\",}]}", "{\"text\":\"unterminated}"}) {
            assertThrows(IOException.class, () -> StreamChunk.parse(bad), bad);
        }
    }
}
