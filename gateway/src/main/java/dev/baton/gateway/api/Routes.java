package dev.baton.gateway.api;

import dev.baton.gateway.GatewayConfig;
import dev.baton.gateway.api.GenerationRequest.Kind;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The HTTP surface, on Quarkus's Vert.x router rather than as JAX-RS resources: a completion answers either JSON
 * or an event stream from the same path depending on its body, writes its response head only when the first token
 * is there (so an early refusal still gets its status), and must notice the client going away mid-stream.
 * Every API path gets the body limit (413), the API key check (401) and OpenAI-shaped errors for anything that
 * fails, including paths that do not exist.
 */
@ApplicationScoped
public class Routes {
    private final GatewayConfig config;
    private final ApiKeys apiKeys;
    private final CompletionRoute completions;
    private final ModelsRoute models;
    private final TokenizeRoutes tokenize;
    private final RequestStatusRoute status;

    Routes(GatewayConfig config, ApiKeys apiKeys, CompletionRoute completions, ModelsRoute models,
           TokenizeRoutes tokenize, RequestStatusRoute status) {
        this.config = config;
        this.apiKeys = apiKeys;
        this.completions = completions;
        this.models = models;
        this.tokenize = tokenize;
        this.status = status;
    }

    void register(@Observes Router router) {
        for (String path : new String[] {"/v1/*", "/tokenize", "/detokenize"}) {
            router.route(path).handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                    .failureHandler(ErrorResponses::onFailure);
            router.route(path).handler(apiKeys::check);
        }
        post(router, "/v1/completions", ctx -> completions.handle(ctx, Kind.TEXT));
        post(router, "/v1/chat/completions", ctx -> completions.handle(ctx, Kind.CHAT));
        router.get("/v1/models").handler(models::handle);
        router.get("/v1/requests/:id").handler(status::handle);
        post(router, "/tokenize", tokenize::tokenize);
        post(router, "/detokenize", tokenize::detokenize);
        router.route("/v1/*").last().handler(ctx -> {
            throw ApiError.notFound("no endpoint " + ctx.request().method() + " " + ctx.request().path(), null,
                    "unknown_url");
        });
    }

    private static void post(Router router, String path, Handler<RoutingContext> handler) {
        router.post(path).consumes("*/*").handler(handler);
        router.route(path).handler(ctx -> {
            throw new ApiError(405, "invalid_request_error", ctx.request().method() + " is not allowed on " + path
                    + "; use POST", null, "method_not_allowed");
        });
    }
}
