package dev.baton.gateway.api;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.Logger;

/**
 * Sends errors as OpenAI's error JSON with their status, and turns whatever else ends a route (a body over the
 * size limit, an unexpected exception) into the same shape: a client never sees a stack trace or an HTML page.
 */
final class ErrorResponses {
    private static final Logger LOG = Logger.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    static void send(HttpServerResponse response, ApiError error) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) { // a stream already started: the error travels as its last event
            response.end("data: " + error.toJson() + "\n\ndata: [DONE]\n\n");
            return;
        }
        response.setStatusCode(error.status()).putHeader("Content-Type", "application/json")
                .end(error.toJson().toString());
    }

    /** The router's failure handler: status failures (e.g. 413 from the body handler) and unexpected exceptions. */
    static void onFailure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        ApiError error;
        if (failure instanceof ApiError apiError) {
            error = apiError;
        } else if (ctx.statusCode() == 413) {
            error = ApiError.tooLarge("the request body is larger than the limit (baton.gateway.max-body-bytes)");
        } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            error = new ApiError(ctx.statusCode(), "invalid_request_error", "the request could not be read", null, null);
        } else {
            LOG.error("request failed", failure);
            error = ApiError.internal("internal error");
        }
        send(ctx.response(), error);
    }
}
