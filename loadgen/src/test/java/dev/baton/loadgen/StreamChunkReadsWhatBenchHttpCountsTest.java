package dev.baton.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StreamChunkReadsWhatBenchHttpCountsTest {
    private final StreamChunk chunk = new StreamChunk();

    private StreamChunk read(String json) throws IOException {
        byte[] bytes = ("xx" + json + "yy").getBytes(StandardCharsets.UTF_8); // read in place, inside a larger buffer
        chunk.read(bytes, 2, bytes.length - 2);
        return chunk;
    }

    @Test
    void aTextChunkGivesItsFirstChoicesTextWhateverElseItCarries() throws IOException {
        read("{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,"
                + "\"model\":\"m\",\"choices\":[{\"index\":0,\"text\":\" say \\\"hi\\\"\\n\\u00e9\\ud83d\\ude00\\/\","
                + "\"logprobs\":{\"tokens\":[\"a\"],\"top_logprobs\":[{\"a\":-0.5e-3}]},\"finish_reason\":null},"
                + "{\"index\":1,\"text\":\"not this\"}]}");
        assertEquals(" say \"hi\"\né\uD83D\uDE00/", chunk.text());
        assertEquals(-1, chunk.completionTokens());
        assertNull(chunk.error());
        assertEquals("ünï 字", read(" {\"choices\" : [ {\"text\" : \"ünï 字\"} ] } ").text(), "raw UTF-8, spaces anywhere");
    }

    @Test
    void theUsageChunkGivesTheCompletionTokensAndThePipelinesPrefill() throws IOException {
        read("{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,"
                + "\"completion_tokens\":64,\"total_tokens\":69,\"timings\":{\"queue_ms\":3,\"prefill_ms\":7,\"decode_ms\":90}}}");
        assertEquals("", chunk.text());
        assertEquals(0, chunk.textLength());
        assertEquals(64, chunk.completionTokens());
        assertEquals(7, chunk.prefillMs());
        read("{\"choices\":[],\"usage\":{\"completion_tokens\":3}}");
        assertEquals(3, chunk.completionTokens());
        assertEquals(-1, chunk.prefillMs(), "a chunk read after another keeps nothing of it");
        read("{\"choices\":[{\"text\":\"a\"}],\"usage\":null}");
        assertEquals(-1, chunk.completionTokens());
    }

    @Test
    void anErrorEventGivesItsMessage() throws IOException {
        assertEquals("boom", read("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"param\":null,"
                + "\"code\":null}}").error());
        assertEquals("plain", read("{\"error\":\"plain\"}").error());
        assertEquals("", read("{\"error\":{\"code\":503}}").error());
    }

    @Test
    void whatIsNotOneJsonObjectIsRefused() {
        for (String bad : new String[]{"", " ", "[]", "\"text\"", "{\"choices\":[{\"text\":\"a\"}]", "{\"choices\":[]} x",
                "{\"choices\":[]}{}", "{\"choices\":[{\"text\":\"a\",}]}", "{\"choices\":[{\"text\":\"a\"},]}",
                "{,\"choices\":[]}", "{\"choices\":[,{\"text\":\"a\"}]}", "{\"choices\" []}", "{\"choices\":[] \"x\":1}",
                "{choices:[]}", "{'choices':[]}", "{\"text\":\"unterminated}", "{\"choices\":[],\"x\":tru}",
                "{\"choices\":[],\"x\":nul}", "{\"choices\":[],\"x\":01}", "{\"choices\":[],\"x\":1.}", "{\"choices\":[],\"x\":.5}",
                "{\"choices\":[],\"x\":1e}", "{\"choices\":[],\"x\":-}", "{\"choices\":[],\"x\":+1}", "{\"choices\":[],\"x\":NaN}",
                "{\"choices\":[{\"text\":\"a\\x\"}]}", "{\"choices\":[{\"text\":\"\\u12G4\"}]}", "{\"choices\":[{\"text\":\"\\u12\"}]}",
                "{\"choices\":[{\"text\":\"tab\there\"}]}", "{\"choices\":[{\"text\":\"line\nbreak\"}]}",
                "{\"choices\":[],\"x\":" + "[".repeat(100) + "]".repeat(100) + "}"}) {
            IOException e = assertThrows(IOException.class, () -> read(bad), bad);
            assertTrue(e.getMessage().startsWith("malformed JSON at byte ") || e.getMessage().startsWith("a stream chunk"),
                    e.getMessage());
        }
    }

    @Test
    void invalidUtf8InAStringIsRefused() {
        byte[][] bad = {{(byte) 0xC3}, {(byte) 0xC3, 'a'}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xE0, (byte) 0x80, (byte) 0x80},
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                {(byte) 0xFF}, {(byte) 0x80}};
        for (byte[] sequence : bad) {
            byte[] open = "{\"choices\":[{\"text\":\"".getBytes(StandardCharsets.US_ASCII);
            byte[] close = "\"}]}".getBytes(StandardCharsets.US_ASCII);
            byte[] bytes = new byte[open.length + sequence.length + close.length];
            System.arraycopy(open, 0, bytes, 0, open.length);
            System.arraycopy(sequence, 0, bytes, open.length, sequence.length);
            System.arraycopy(close, 0, bytes, open.length + sequence.length, close.length);
            IOException e = assertThrows(IOException.class, () -> chunk.read(bytes, 0, bytes.length));
            assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
        }
    }

    @Test
    void aChunkWithoutTheFieldsOfACompletionChunkIsRefused() {
        for (String bad : new String[]{"{}", "{\"id\":\"x\"}", "{\"choices\":{}}", "{\"choices\":null}",
                "{\"choices\":[\"a\"]}", "{\"choices\":[{\"index\":0}]}", "{\"choices\":[{\"text\":5}]}",
                "{\"choices\":[{\"text\":null}]}", "{\"choices\":[],\"usage\":{\"completion_tokens\":\"3\"}}",
                "{\"choices\":[],\"usage\":{\"completion_tokens\":-1}}", "{\"choices\":[],\"usage\":{\"completion_tokens\":2.5}}"}) {
            IOException e = assertThrows(IOException.class, () -> read(bad), bad);
            assertTrue(e.getMessage().startsWith("a stream chunk"), e.getMessage());
        }
    }
}
