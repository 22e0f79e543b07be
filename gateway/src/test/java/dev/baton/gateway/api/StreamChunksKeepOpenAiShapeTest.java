package dev.baton.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.baton.gateway.api.GenerationRequest.Kind;
import dev.baton.proto.FinishReason;
import dev.baton.proto.TokenEvent;
import dev.baton.proto.TopLogprob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stream chunks are written as text, not through a JSON tree: each must be exactly what Jackson writes for
 * OpenAI's chunk object (same members, same order, same escaping), and every text must read back unchanged.
 */
class StreamChunksKeepOpenAiShapeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CREATED_MS = 1_764_500_000_123L;

    /** Texts a tokenizer can produce, and the ones JSON must escape. */
    private static List<String> texts() {
        List<String> texts = new ArrayList<>(List.of("", " Once", "say \"hi\"", "back\\slash", "a\\\"b", "line\nnext",
                "tab\tcr\rff\fbs\b", "\u0000\u0001\u001f\u007f", "é 日本 \uD83D\uDE00", "\u2028\u2029", "</script>",
                "\uD800 lone high", "lone low \uDC00", "'single' & <angle>"));
        StringBuilder everyAscii = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            everyAscii.append(c);
        }
        texts.add(everyAscii.toString());
        return texts;
    }

    private static CompletionShapes shapes(Kind kind, String id, String model) {
        return new CompletionShapes(JSON, id, kind, model, CREATED_MS);
    }

    /** OpenAI's chunk object built as a tree: the reference the written text must equal. */
    private static ObjectNode expectedChunk(Kind kind, String id, String model) {
        ObjectNode chunk = JSON.createObjectNode().put("id", id)
                .put("object", kind == Kind.TEXT ? "text_completion" : "chat.completion.chunk")
                .put("created", CREATED_MS / 1000).put("model", model);
        chunk.putArray("choices").addObject().put("index", 0);
        return chunk;
    }

    private static ObjectNode choice(ObjectNode chunk) {
        return (ObjectNode) chunk.get("choices").get(0);
    }

    private static String written(CompletionShapes shapes, String text, List<TokenEvent> logprobs, int offset,
                                  FinishReason finish) {
        StringBuilder out = new StringBuilder();
        shapes.appendChunk(out, text, logprobs, offset, finish);
        return out.toString();
    }

    @Test
    void aTextChunkIsWhatJacksonWritesForAnyText() throws Exception {
        CompletionShapes shapes = shapes(Kind.TEXT, "cmpl-019ad5f1a2b3c0ffee", "stories260K");
        for (String text : texts()) {
            ObjectNode expected = expectedChunk(Kind.TEXT, "cmpl-019ad5f1a2b3c0ffee", "stories260K");
            choice(expected).put("text", text).putNull("logprobs").putNull("finish_reason");
            String chunk = written(shapes, text, List.of(), 0, FinishReason.FINISH_REASON_UNSPECIFIED);
            assertEquals(expected.toString(), chunk, "text " + JSON.writeValueAsString(text));
            assertEquals(text, JSON.readTree(chunk).path("choices").get(0).path("text").asText());
        }
    }

    @Test
    void aChatChunkIsWhatJacksonWritesForAnyText() throws Exception {
        CompletionShapes shapes = shapes(Kind.CHAT, "chatcmpl-1", "m \"quoted\" \\ é");
        for (String text : texts()) {
            ObjectNode expected = expectedChunk(Kind.CHAT, "chatcmpl-1", "m \"quoted\" \\ é");
            ObjectNode delta = choice(expected).putObject("delta");
            if (!text.isEmpty()) {
                delta.put("content", text);
            }
            choice(expected).putNull("logprobs").putNull("finish_reason");
            String chunk = written(shapes, text, List.of(), 0, FinishReason.FINISH_REASON_UNSPECIFIED);
            assertEquals(expected.toString(), chunk, "text " + JSON.writeValueAsString(text));
            assertEquals(text, JSON.readTree(chunk).path("choices").get(0).path("delta").path("content").asText());
        }
    }

    @Test
    void theLastChunkCarriesItsFinishReasonAndTheChatOpensWithTheRole() {
        for (FinishReason finish : List.of(FinishReason.FINISH_REASON_STOP, FinishReason.FINISH_REASON_LENGTH,
                FinishReason.FINISH_REASON_CANCELLED)) {
            ObjectNode expected = expectedChunk(Kind.TEXT, "cmpl-2", "m");
            choice(expected).put("text", "").putNull("logprobs").put("finish_reason", CompletionShapes.finishReason(finish));
            assertEquals(expected.toString(), written(shapes(Kind.TEXT, "cmpl-2", "m"), "", List.of(), 0, finish));
        }
        ObjectNode role = expectedChunk(Kind.CHAT, "chatcmpl-3", "m");
        choice(role).putObject("delta").put("role", "assistant").put("content", "");
        choice(role).putNull("logprobs").putNull("finish_reason");
        StringBuilder out = new StringBuilder();
        shapes(Kind.CHAT, "chatcmpl-3", "m").appendRoleChunk(out);
        assertEquals(role.toString(), out.toString());
    }

    @Test
    void aChunkWithLogprobsCarriesThemInTheEndpointsFormat() {
        TokenEvent event = TokenEvent.newBuilder().setRequestId("cmpl-4").setIndex(3).setText(" \"é\"")
                .setTokenBytes(ByteString.copyFrom(" \"é\"", StandardCharsets.UTF_8)).setLogprob(-0.25f)
                .addTopLogprobs(TopLogprob.newBuilder().setTokenId(7).setLogprob(-0.25f)
                        .setTokenBytes(ByteString.copyFrom(" \"é\"", StandardCharsets.UTF_8)))
                .addTopLogprobs(TopLogprob.newBuilder().setTokenId(9).setLogprob(-1.5f)
                        .setTokenBytes(ByteString.copyFrom("\n", StandardCharsets.UTF_8)))
                .build();

        ObjectNode text = expectedChunk(Kind.TEXT, "cmpl-4", "m");
        ObjectNode textLogprobs = choice(text).put("text", event.getText()).putObject("logprobs");
        textLogprobs.putArray("tokens").add(" \"é\"");
        textLogprobs.putArray("token_logprobs").add(-0.25f);
        textLogprobs.putArray("top_logprobs").addObject().put(" \"é\"", -0.25f).put("\n", -1.5f);
        textLogprobs.putArray("text_offset").add(11);
        choice(text).putNull("finish_reason");
        assertEquals(text.toString(), written(shapes(Kind.TEXT, "cmpl-4", "m"), event.getText(), List.of(event), 11,
                FinishReason.FINISH_REASON_UNSPECIFIED));

        ObjectNode chat = expectedChunk(Kind.CHAT, "chatcmpl-4", "m");
        choice(chat).putObject("delta").put("content", event.getText());
        ObjectNode entry = choice(chat).putObject("logprobs").putArray("content").addObject()
                .put("token", " \"é\"").put("logprob", -0.25f);
        byte[] bytes = " \"é\"".getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            entry.withArray("bytes").add(b & 0xff);
        }
        ObjectNode first = entry.putArray("top_logprobs").addObject().put("token", " \"é\"").put("logprob", -0.25f);
        for (byte b : bytes) {
            first.withArray("bytes").add(b & 0xff);
        }
        entry.withArray("top_logprobs").addObject().put("token", "\n").put("logprob", -1.5f).putArray("bytes").add(10);
        choice(chat).put("finish_reason", "stop");
        assertEquals(chat.toString(), written(shapes(Kind.CHAT, "chatcmpl-4", "m"), event.getText(), List.of(event), 0,
                FinishReason.FINISH_REASON_STOP));
    }
}
