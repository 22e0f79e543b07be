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
 *
 * <p>Still one chunk per token, as clients expect; the chunks of events that arrived together go out in one write
 * (one flush, one system call), not one each.
 */
final class StreamingWriter implements ClientWriter {
    private final HttpServerResponse response;
    private final CompletionShapes shapes;
    private final Kind kind;
    private final String requestId;
    private final boolean includeUsage;
    private boolean opened;
    private int textOffset;

    StreamingWriter(HttpServerResponse response, CompletionShapes shapes, Kind kind, String requestId, boolean includeUsage) {
        this.response = response;
        this.shapes = shapes;
        this.kind = kind;
        this.requestId = requestId;
        this.includeUsage = includeUsage;
    }

    @Override
    public void onEvents(List<TokenEvent> events) {
        if (response.ended() || response.closed()) {
            return;
        }
        StringBuilder out = new StringBuilder(256 * events.size());
        for (TokenEvent event : events) {
            FinishReason finish = event.getFinishReason();
            boolean failed = finish == FinishReason.FINISH_REASON_ERROR
                    || (event.hasError() && finish != FinishReason.FINISH_REASON_CANCELLED);
            if (failed) {
                write(out); // what came before the failure, so that the failure is its stream's last event
                ErrorResponses.send(response, ApiError.fromPipeline(event.getError()));
                return;
            }
            if (!opened) {
                opened = true;
                response.setStatusCode(200).setChunked(true)
                        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                        .putHeader("Cache-Control", "no-cache")
                        .putHeader("X-Request-Id", requestId);
                if (kind == Kind.CHAT) {
                    shapes.appendRoleChunk(out.append("data: "));
                    out.append("\n\n");
                }
            }
            List<TokenEvent> logprobs = event.hasLogprob() ? List.of(event) : List.of();
            boolean terminal = finish != FinishReason.FINISH_REASON_UNSPECIFIED;
            if (!event.getText().isEmpty() || !logprobs.isEmpty() || terminal) {
                shapes.appendChunk(out.append("data: "), event.getText(), logprobs, textOffset, finish);
                out.append("\n\n");
            }
            textOffset += event.getText().length();
            if (terminal) {
                if (includeUsage) {
                    out.append("data: ").append(shapes.usageChunk(event.getUsage())).append("\n\n");
                }
                out.append("data: [DONE]\n\n");
                boolean first = !response.headWritten();
                response.end(out.toString());
                traceFirst(first);
                return;
            }
        }
        write(out);
    }

    private void write(StringBuilder out) {
        if (!out.isEmpty()) {
            boolean first = !response.headWritten();
            response.write(out.toString());
            traceFirst(first);
        }
    }

    private void traceFirst(boolean first) {
        if (first) {
            RequestTrace.mark(requestId, "first-written");
        }
    }

    @Override
    public void fail(ApiError error) {
        ErrorResponses.send(response, error);
    }
}
