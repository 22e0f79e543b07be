package dev.baton.gateway.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;

/** Reads a request body as JSON; anything else is a 400 that says where the JSON broke, never a parser trace. */
final class JsonBodies {
    private JsonBodies() {
    }

    static JsonNode read(ObjectMapper json, RoutingContext ctx) {
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw ApiError.invalid(null, "the request body is empty; expected a JSON object");
        }
        try {
            JsonNode node = json.readTree(body.getBytes());
            if (node == null || !node.isObject()) {
                throw ApiError.invalid(null, "the request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiError.invalid(null, "the request body is not valid JSON" + where);
        } catch (IOException e) {
            throw ApiError.invalid(null, "the request body could not be read");
        }
    }
}
