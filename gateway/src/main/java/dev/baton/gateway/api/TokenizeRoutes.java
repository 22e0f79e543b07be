package dev.baton.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.api.GenerationRequest.Kind;
import dev.baton.gateway.tokens.TokenizerClient;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * POST /tokenize and POST /detokenize through the tokenizer service, in vLLM's shapes:
 * {@code {"prompt": text}} or {@code {"messages": [...]}} (rendered with the chat template) → {@code {"tokens",
 * "count", "max_model_len"}}; {@code {"tokens": [...]}} → {@code {"prompt": text}}. {@code model} is optional;
 * when given it must be the served one.
 */
@ApplicationScoped
public class TokenizeRoutes {
    private final ObjectMapper json;
    private final ServedModel model;
    private final TokenizerClient tokenizer;

    TokenizeRoutes(ObjectMapper json, ServedModel model, TokenizerClient tokenizer) {
        this.json = json;
        this.model = model;
        this.tokenizer = tokenizer;
    }

    void tokenize(RoutingContext ctx) {
        JsonNode body = JsonBodies.read(json, ctx);
        JsonNode addSpecialNode = body.get("add_special_tokens");
        if (addSpecialNode != null && !addSpecialNode.isBoolean() && !addSpecialNode.isNull()) {
            throw ApiError.invalid("add_special_tokens", "add_special_tokens must be true or false");
        }
        boolean addSpecial = addSpecialNode == null || addSpecialNode.isNull() || addSpecialNode.asBoolean();
        Uni<List<Integer>> ids;
        if (body.has("messages")) {
            GenerationRequest chat = RequestParser.parse(Kind.CHAT, withModel(body), null);
            ids = tokenizer.applyChatTemplate(chat.messages(), chat.templateKwargsJson()).map(r -> r.getIdsList());
        } else {
            JsonNode prompt = body.get("prompt");
            if (prompt == null || !prompt.isTextual()) {
                throw ApiError.invalid("prompt", "prompt (a string) or messages is required");
            }
            ids = tokenizer.encode(prompt.asText(), addSpecial, true, "prompt");
        }
        answer(ctx, body, ids.chain(list -> model.facts().map(facts -> {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("count", list.size()).put("max_model_len", facts.info().getContextLength());
            var tokens = out.putArray("tokens");
            list.forEach(tokens::add);
            return out;
        })));
    }

    void detokenize(RoutingContext ctx) {
        JsonNode body = JsonBodies.read(json, ctx);
        JsonNode tokens = body.get("tokens");
        if (tokens == null || !tokens.isArray()) {
            throw ApiError.invalid("tokens", "tokens (an array of token ids) is required");
        }
        List<Integer> ids = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            JsonNode id = tokens.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt()) {
                throw ApiError.invalid("tokens", "tokens[" + i + "] must be an integer token id");
            }
            ids.add(id.asInt());
        }
        answer(ctx, body, tokenizer.decode(ids, "tokens")
                .map(text -> JsonNodeFactory.instance.objectNode().put("prompt", text)));
    }

    private void answer(RoutingContext ctx, JsonNode body, Uni<ObjectNode> work) {
        JsonNode requested = body.get("model");
        model.facts()
                .invoke(facts -> {
                    if (requested != null && !requested.isNull()) {
                        facts.requireModel(requested.asText());
                    }
                })
                .chain(ignored -> work)
                .subscribe().with(
                        out -> ctx.response().putHeader("Content-Type", "application/json").end(out.toString()),
                        failure -> ErrorResponses.send(ctx.response(), CompletionRoute.asApiError(failure)));
    }

    /** The chat parser wants a model; tokenize does not, so lend it a placeholder when absent. */
    private static JsonNode withModel(JsonNode body) {
        if (body.hasNonNull("model")) {
            return body;
        }
        return ((ObjectNode) body.deepCopy()).put("model", "-");
    }
}
