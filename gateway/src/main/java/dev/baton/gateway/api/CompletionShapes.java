package dev.baton.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.api.GenerationRequest.Kind;
import dev.baton.gateway.status.RequestRecord;
import dev.baton.proto.FinishReason;
import dev.baton.proto.TokenEvent;
import dev.baton.proto.TopLogprob;
import dev.baton.proto.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * OpenAI's response objects for one request: stream chunks ({@code text_completion} /
 * {@code chat.completion.chunk}), the whole answer ({@code text_completion} / {@code chat.completion}), usage and
 * log-probabilities in each endpoint's own format.
 */
final class CompletionShapes {
    private final ObjectMapper json;
    private final String id;
    private final Kind kind;
    private final String model;
    private final long createdSeconds;
    /** Every stream chunk's opening, up to its one choice's first member: the same for all chunks of the request. */
    private final String chunkHead;

    CompletionShapes(ObjectMapper json, String id, Kind kind, String model, long createdMs) {
        this.json = json;
        this.id = id;
        this.kind = kind;
        this.model = model;
        this.createdSeconds = createdMs / 1000;
        StringBuilder head = new StringBuilder(128);
        JsonText.appendQuoted(head.append("{\"id\":"), id);
        JsonText.appendQuoted(head.append(",\"object\":"), objectName(true));
        head.append(",\"created\":").append(createdSeconds);
        JsonText.appendQuoted(head.append(",\"model\":"), model);
        this.chunkHead = head.append(",\"choices\":[{\"index\":0,").toString();
    }

    /** The chat stream's opening chunk: the assistant role, no text yet (as OpenAI sends it). */
    void appendRoleChunk(StringBuilder out) {
        out.append(chunkHead).append("\"delta\":{\"role\":\"assistant\",\"content\":\"\"}");
        appendChunkTail(out, null, FinishReason.FINISH_REASON_UNSPECIFIED);
    }

    /**
     * One stream chunk carrying a piece of text, its tokens' log-probabilities and, at the end, the finish reason,
     * appended as JSON text: one per token, so it is written directly rather than built as a tree.
     */
    void appendChunk(StringBuilder out, String text, List<TokenEvent> logprobEvents, int textOffset, FinishReason finish) {
        out.append(chunkHead);
        if (kind == Kind.CHAT) {
            out.append("\"delta\":{");
            if (!text.isEmpty()) {
                JsonText.appendQuoted(out.append("\"content\":"), text);
            }
            out.append('}');
        } else {
            JsonText.appendQuoted(out.append("\"text\":"), text);
        }
        appendChunkTail(out, logprobs(logprobEvents, textOffset), finish);
    }

    private void appendChunkTail(StringBuilder out, ObjectNode logprobs, FinishReason finish) {
        out.append(",\"logprobs\":").append(logprobs == null ? "null" : logprobs.toString()).append(",\"finish_reason\":");
        String reason = finishReason(finish);
        if (reason == null) {
            out.append("null");
        } else {
            JsonText.appendQuoted(out, reason);
        }
        out.append("}]}");
    }

    /** The stream's closing usage chunk (stream_options.include_usage): no choices. */
    ObjectNode usageChunk(Usage usage) {
        ObjectNode chunk = header(true);
        chunk.putArray("choices");
        putUsage(chunk, usage.getPromptTokens(), usage.getCompletionTokens(), usage);
        return chunk;
    }

    /** The whole answer, as the non-streaming endpoints return it. */
    ObjectNode complete(RequestRecord.Snapshot result) {
        ObjectNode body = header(false);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        if (kind == Kind.CHAT) {
            // refusal: OpenAI's clients treat it as a required (nullable) field of every assistant message
            choice.putObject("message").put("role", "assistant").put("content", result.text()).putNull("refusal");
        } else {
            choice.put("text", result.text());
        }
        ObjectNode logprobs = logprobs(result.logprobEvents(), 0);
        if (logprobs == null) {
            choice.putNull("logprobs");
        } else {
            choice.set("logprobs", logprobs);
        }
        putFinish(choice, result.finishReason());
        putUsage(body, result.promptTokens(), result.completionTokens(), result.timings());
        return body;
    }

    private ObjectNode header(boolean chunk) {
        ObjectNode node = json.createObjectNode();
        node.put("id", id);
        node.put("object", objectName(chunk));
        node.put("created", createdSeconds);
        node.put("model", model);
        return node;
    }

    private String objectName(boolean chunk) {
        return kind == Kind.TEXT ? "text_completion" : chunk ? "chat.completion.chunk" : "chat.completion";
    }

    /**
     * OpenAI's usage, plus Baton's own {@code timings} when the pipeline reported them: milliseconds from the
     * gateway's publish to admission into a running batch ({@code queue_ms}), then to the first token
     * ({@code prefill_ms}), then to the last ({@code decode_ms}). Clients ignore the extra field; benchmarks use it
     * to tell the pipeline's time from the gateway's and Kafka's.
     */
    private void putUsage(ObjectNode node, int promptTokens, int completionTokens, Usage timings) {
        ObjectNode usage = node.putObject("usage").put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens).put("total_tokens", promptTokens + completionTokens);
        if (timings != null) {
            usage.putObject("timings").put("queue_ms", timings.getQueueMs()).put("prefill_ms", timings.getPrefillMs())
                    .put("decode_ms", timings.getDecodeMs());
        }
    }

    private static void putFinish(ObjectNode choice, FinishReason finish) {
        String reason = finishReason(finish);
        if (reason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", reason);
        }
    }

    /** OpenAI's finish_reason, or null while the request runs. */
    static String finishReason(FinishReason finish) {
        return switch (finish) {
            case FINISH_REASON_STOP -> "stop";
            case FINISH_REASON_LENGTH -> "length";
            case FINISH_REASON_CANCELLED -> "cancelled";
            case FINISH_REASON_ERROR -> "error";
            default -> null;
        };
    }

    /** The choice's log-probabilities in the endpoint's format, or null when the events carry none. */
    private ObjectNode logprobs(List<TokenEvent> events, int textOffset) {
        if (events == null || events.isEmpty()) {
            return null;
        }
        ObjectNode logprobs = json.createObjectNode();
        if (kind == Kind.CHAT) {
            ArrayNode content = logprobs.putArray("content");
            for (TokenEvent event : events) {
                ObjectNode entry = content.addObject();
                byte[] bytes = event.getTokenBytes().toByteArray();
                entry.put("token", new String(bytes, StandardCharsets.UTF_8)).put("logprob", event.getLogprob());
                putBytes(entry, bytes);
                ArrayNode top = entry.putArray("top_logprobs");
                for (TopLogprob alternative : event.getTopLogprobsList()) {
                    ObjectNode t = top.addObject();
                    byte[] altBytes = alternative.getTokenBytes().toByteArray();
                    t.put("token", new String(altBytes, StandardCharsets.UTF_8)).put("logprob", alternative.getLogprob());
                    putBytes(t, altBytes);
                }
            }
        } else {
            ArrayNode tokens = logprobs.putArray("tokens");
            ArrayNode tokenLogprobs = logprobs.putArray("token_logprobs");
            ArrayNode top = logprobs.putArray("top_logprobs");
            ArrayNode offsets = logprobs.putArray("text_offset");
            int offset = textOffset;
            for (TokenEvent event : events) {
                tokens.add(new String(event.getTokenBytes().toByteArray(), StandardCharsets.UTF_8));
                tokenLogprobs.add(event.getLogprob());
                ObjectNode alternatives = top.addObject();
                for (TopLogprob alternative : event.getTopLogprobsList()) {
                    alternatives.put(new String(alternative.getTokenBytes().toByteArray(), StandardCharsets.UTF_8),
                            alternative.getLogprob());
                }
                offsets.add(offset);
                offset += event.getText().length();
            }
        }
        return logprobs;
    }

    private static void putBytes(ObjectNode entry, byte[] bytes) {
        ArrayNode array = entry.putArray("bytes");
        for (byte b : bytes) {
            array.add(b & 0xff);
        }
    }
}
