package dev.baton.gateway.api;

import dev.baton.gateway.api.GenerationRequest.Kind;
import dev.baton.kafka.RequestTrace;
import dev.baton.proto.FinishReason;
import dev.baton.proto.TokenEvent;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * Server-sent events in OpenAI's chunk format, ending with {@code data: [DONE]}. The response head is written
 * with the first event, not before: a request the pipeline refuses at once still gets a proper HTTP error status.
 * Once streaming, a failure arrives as a last {@code data:} event carrying OpenAI's error object.
 */
final class StreamingWriter implements ClientWriter {
    private final HttpServerResponse response;
    private final CompletionShapes shapes;
    private final Kind kind;
    private final String requestId;
    private final boolean includeUsage;
    private int textOffset;

    StreamingWriter(HttpServerResponse response, CompletionShapes shapes, Kind kind, String requestId, boolean includeUsage) {
        this.response = response;
        this.shapes = shapes;
        this.kind = kind;
        this.requestId = requestId;
        this.includeUsage = includeUsage;
    }

    @Override
    public void onEvent(TokenEvent event) {
        if (response.ended() || response.closed()) {
            return;
        }
        FinishReason finish = event.getFinishReason();
        boolean failed = finish == FinishReason.FINISH_REASON_ERROR || (event.hasError() && finish != FinishReason.FINISH_REASON_CANCELLED);
        if (failed) {
            ErrorResponses.send(response, ApiError.fromPipeline(event.getError()));
            return;
        }
        StringBuilder out = new StringBuilder(256);
        boolean first = !response.headWritten();
        if (first) {
            response.setStatusCode(200).setChunked(true)
                    .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache")
                    .putHeader("X-Request-Id", requestId);
            if (kind == Kind.CHAT) {
                data(out, shapes.roleChunk().toString());
            }
        }
        List<TokenEvent> logprobs = event.hasLogprob() ? List.of(event) : List.of();
        boolean terminal = finish != FinishReason.FINISH_REASON_UNSPECIFIED;
        if (!event.getText().isEmpty() || !logprobs.isEmpty() || terminal) {
            data(out, shapes.chunk(event.getText(), logprobs, textOffset, finish).toString());
        }
        textOffset += event.getText().length();
        if (terminal) {
            if (includeUsage) {
                data(out, shapes.usageChunk(event.getUsage()).toString());
            }
            out.append("data: [DONE]\n\n");
            response.end(out.toString());
        } else if (!out.isEmpty()) {
            response.write(out.toString());
        }
        if (first) {
            RequestTrace.mark(requestId, "first-written");
        }
    }

    @Override
    public void fail(ApiError error) {
        ErrorResponses.send(response, error);
    }

    private static void data(StringBuilder out, String json) {
        out.append("data: ").append(json).append("\n\n");
    }
}
