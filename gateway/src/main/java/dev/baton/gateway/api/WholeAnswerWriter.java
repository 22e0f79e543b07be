package dev.baton.gateway.api;

import dev.baton.gateway.status.RequestRecord;
import dev.baton.proto.FinishReason;
import dev.baton.proto.TokenEvent;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/** Answers a non-streaming request once its terminal event arrives, from the request's record. */
final class WholeAnswerWriter implements ClientWriter {
    private final HttpServerResponse response;
    private final CompletionShapes shapes;
    private final RequestRecord record;

    WholeAnswerWriter(HttpServerResponse response, CompletionShapes shapes, RequestRecord record) {
        this.response = response;
        this.shapes = shapes;
        this.record = record;
    }

    @Override
    public void onEvents(List<TokenEvent> events) {
        TokenEvent event = events.getLast(); // only a terminal event, always the last, is answered
        FinishReason finish = event.getFinishReason();
        if (finish == FinishReason.FINISH_REASON_UNSPECIFIED && !event.hasError()) {
            return;
        }
        if (response.ended() || response.closed()) {
            return;
        }
        RequestRecord.Snapshot result = record.snapshot();
        if (result.state() == RequestRecord.State.FAILED) {
            ErrorResponses.send(response, ApiError.fromPipeline(result.error()));
            return;
        }
        response.setStatusCode(200).putHeader("Content-Type", "application/json")
                .putHeader("X-Request-Id", record.id()).end(shapes.complete(result).toString());
    }

    @Override
    public void fail(ApiError error) {
        ErrorResponses.send(response, error);
    }
}
