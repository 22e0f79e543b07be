package dev.baton.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.status.ReplyLogReader;
import dev.baton.gateway.status.RequestRecord;
import dev.baton.gateway.status.RequestStore;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * GET /v1/requests/{id}: where a request stands and its answer so far, in the same shape the non-streaming
 * endpoint returns (under {@code result}). Requests this instance does not hold in memory are rebuilt from the
 * logs, so a client whose connection dropped, or that talks to a restarted gateway, still gets its answer.
 */
@ApplicationScoped
public class RequestStatusRoute {
    private final ObjectMapper json;
    private final RequestStore store;
    private final ReplyLogReader log;

    RequestStatusRoute(ObjectMapper json, RequestStore store, ReplyLogReader log) {
        this.json = json;
        this.store = store;
        this.log = log;
    }

    void handle(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        RequestRecord known = store.find(id);
        if (known != null) {
            send(ctx, known);
            return;
        }
        ctx.vertx().<Optional<RequestRecord>>executeBlocking(() -> log.rebuild(id), false).onComplete(result -> {
            if (result.failed()) {
                ErrorResponses.send(ctx.response(), ApiError.unavailable("the request logs cannot be read now",
                        "kafka_unavailable"));
            } else if (result.result().isEmpty()) {
                ErrorResponses.send(ctx.response(), ApiError.notFound("no request with id '"
                        + ServedModel.shortened(id) + "'", "id", "request_not_found"));
            } else {
                send(ctx, result.result().get());
            }
        });
    }

    private void send(RoutingContext ctx, RequestRecord record) {
        RequestRecord.Snapshot snapshot = record.snapshot();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("id", snapshot.id()).put("object", "request").put("status", snapshot.state().wireName())
                .put("model", snapshot.model()).put("created", snapshot.createdAtMs() / 1000);
        body.set("result", new CompletionShapes(json, snapshot.id(), snapshot.kind(), snapshot.model(),
                snapshot.createdAtMs()).complete(snapshot));
        if (snapshot.state() == RequestRecord.State.FAILED) {
            body.set("error", ApiError.fromPipeline(snapshot.error()).toJson().get("error"));
        }
        ctx.response().putHeader("Content-Type", "application/json").end(body.toString());
    }
}
