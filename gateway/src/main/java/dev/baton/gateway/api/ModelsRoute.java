package dev.baton.gateway.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/** GET /v1/models: the one model this gateway serves, with its context length. */
@ApplicationScoped
public class ModelsRoute {
    private final ServedModel model;
    private final long startedSeconds = System.currentTimeMillis() / 1000;

    ModelsRoute(ServedModel model) {
        this.model = model;
    }

    void handle(RoutingContext ctx) {
        model.facts().subscribe().with(facts -> {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("object", "list");
            body.putArray("data").addObject()
                    .put("id", facts.name())
                    .put("object", "model")
                    .put("created", startedSeconds)
                    .put("owned_by", "baton")
                    .put("context_length", facts.info().getContextLength());
            ctx.response().putHeader("Content-Type", "application/json").end(body.toString());
        }, failure -> ErrorResponses.send(ctx.response(), CompletionRoute.asApiError(failure)));
    }
}
