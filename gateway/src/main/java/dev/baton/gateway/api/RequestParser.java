package dev.baton.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.gateway.api.GenerationRequest.Kind;
import dev.baton.gateway.api.GenerationRequest.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a completion or chat completion body into a {@link GenerationRequest}, refusing every wrong type or value
 * with a 400 that names the parameter. Unknown fields are ignored (clients send vendor extras); fields that would
 * change the answer in ways Baton does not implement (n > 1, best_of, echo, suffix, a forced
 * tool_choice, a JSON response_format) are refused rather than silently ignored. A chat's {@code tools} and
 * {@code chat_template_kwargs} become variables of the model's chat template, as in vLLM and llama.cpp's server.
 */
public final class RequestParser {
    /** OpenAI allows 4 stop sequences; llama.cpp and vLLM allow more. A bound keeps the stop matcher cheap. */
    static final int MAX_STOP_SEQUENCES = 16;
    static final int MAX_TOP_LOGPROBS = 20;
    /** Most entries of a logit_bias: a bound on the request record's size (OpenAI's own limit is lower). */
    static final int MAX_LOGIT_BIAS_ENTRIES = 1024;
    /** OpenAI's default for the legacy completions endpoint. */
    static final int DEFAULT_COMPLETION_TOKENS = 16;

    private RequestParser() {
    }

    public static GenerationRequest parse(Kind kind, JsonNode body, String requestId) {
        if (body == null || !body.isObject()) {
            throw ApiError.invalid(null, "the request body must be a JSON object");
        }
        String model = requiredString(body, "model");
        String prompt = null;
        int[] promptIds = null;
        List<Message> messages = null;
        String templateKwargsJson = "";
        int topLogprobs;
        int maxTokens;
        if (kind == Kind.TEXT) {
            JsonNode p = body.get("prompt");
            if (isAbsent(p)) {
                throw ApiError.invalid("prompt", "prompt is required");
            }
            if (p.isArray() && p.size() > 0 && p.get(0).isIntegralNumber()) {
                promptIds = tokenIds(p, "prompt");
            } else if (p.isArray() && p.size() == 1 && p.get(0).isArray()) {
                promptIds = tokenIds(p.get(0), "prompt");
            } else if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
                prompt = p.get(0).asText();
            } else if (p.isTextual()) {
                prompt = p.asText();
            } else if (p.isArray() && p.size() > 1) {
                throw ApiError.invalid("prompt", "only one prompt per request is supported (got " + p.size() + ")");
            } else {
                throw ApiError.invalid("prompt", "prompt must be a string, an array of one string, or an array of token ids");
            }
            if (prompt != null && prompt.isEmpty()) {
                throw ApiError.invalid("prompt", "prompt must not be empty");
            }
            JsonNode logprobs = body.get("logprobs");
            topLogprobs = isAbsent(logprobs) ? -1 : intIn(body, "logprobs", 0, MAX_TOP_LOGPROBS, 0);
            maxTokens = optionalInt(body, "max_tokens", 1, Integer.MAX_VALUE, DEFAULT_COMPLETION_TOKENS);
            refuseUnless(body, "echo", n -> n.isBoolean() && !n.asBoolean(), "echo is not supported");
            refuseUnless(body, "suffix", n -> n.isTextual() && n.asText().isEmpty(), "suffix is not supported");
            refuseUnless(body, "best_of", n -> n.isIntegralNumber() && n.asInt() == 1, "best_of must be 1");
        } else {
            messages = messages(body);
            boolean logprobs = bool(body, "logprobs", false);
            int top = optionalInt(body, "top_logprobs", 0, MAX_TOP_LOGPROBS, 0);
            if (!logprobs && !isAbsent(body.get("top_logprobs"))) {
                throw ApiError.invalid("top_logprobs", "top_logprobs requires logprobs to be true");
            }
            topLogprobs = logprobs ? top : -1;
            String tokensKey = isAbsent(body.get("max_completion_tokens")) ? "max_tokens" : "max_completion_tokens";
            maxTokens = optionalInt(body, tokensKey, 1, Integer.MAX_VALUE, 0);
            templateKwargsJson = templateKwargs(body);
        }
        JsonNode n = body.get("n");
        if (!isAbsent(n) && !(n.isIntegralNumber() && n.asLong() == 1)) {
            throw ApiError.invalid("n", "only n = 1 is supported");
        }
        refuseUnless(body, "response_format", f -> "text".equals(f.path("type").asText()),
                "only response_format {\"type\": \"text\"} is supported (no JSON mode or schemas)");
        float temperature = number(body, "temperature", 0, 2, 1f, true, true);
        float topP = number(body, "top_p", 0, 1, 1f, false, true);
        int topK = optionalInt(body, "top_k", -1, Integer.MAX_VALUE, 0);
        float minP = number(body, "min_p", 0, 1, 0f, true, true);
        float presence = number(body, "presence_penalty", -2, 2, 0f, true, true);
        float frequency = number(body, "frequency_penalty", -2, 2, 0f, true, true);
        float repetition = number(body, "repetition_penalty", 0, Float.MAX_VALUE, 1f, false, true);
        Long seed = seed(body);
        boolean stream = bool(body, "stream", false);
        boolean includeUsage = false;
        JsonNode options = body.get("stream_options");
        if (!isAbsent(options)) {
            if (!options.isObject()) {
                throw ApiError.invalid("stream_options", "stream_options must be an object");
            }
            includeUsage = bool(options, "include_usage", "stream_options.include_usage", false);
        }
        boolean ignoreEos = bool(body, "ignore_eos", false);
        return new GenerationRequest(kind, model, prompt, promptIds, messages, maxTokens, temperature, topP,
                Math.max(0, topK), minP, presence, frequency, repetition, seed, stop(body), topLogprobs, ignoreEos,
                stream, includeUsage, requestId, templateKwargsJson, logitBias(body));
    }

    /**
     * The chat template's extra variables: {@code tools} (OpenAI function definitions, for templates that describe
     * them to the model), overridden by whatever {@code chat_template_kwargs} names, as vLLM merges them. The model's
     * tool calls come back as its text: the gateway does not parse them into {@code tool_calls}, so it refuses a
     * {@code tool_choice} that would promise one.
     */
    private static String templateKwargs(JsonNode body) {
        ObjectNode kwargs = JsonNodeFactory.instance.objectNode();
        JsonNode tools = body.get("tools");
        if (!isAbsent(tools)) {
            if (!tools.isArray()) {
                throw ApiError.invalid("tools", "tools must be an array of tool definitions");
            }
            for (int i = 0; i < tools.size(); i++) {
                if (!tools.get(i).isObject()) {
                    throw ApiError.invalid("tools[" + i + "]", "tools[" + i + "] must be an object");
                }
            }
            if (!tools.isEmpty()) {
                kwargs.set("tools", tools);
            }
        }
        refuseUnless(body, "tool_choice", c -> c.isTextual() && (c.asText().equals("auto") || c.asText().equals("none")),
                "only tool_choice \"auto\" or \"none\" is supported (tool calls are returned as the model's text)");
        JsonNode extra = body.get("chat_template_kwargs");
        if (!isAbsent(extra)) {
            if (!extra.isObject()) {
                throw ApiError.invalid("chat_template_kwargs", "chat_template_kwargs must be a JSON object");
            }
            kwargs.setAll((ObjectNode) extra);
        }
        return kwargs.isEmpty() ? "" : kwargs.toString();
    }

    private static List<Message> messages(JsonNode body) {
        JsonNode list = body.get("messages");
        if (isAbsent(list)) {
            throw ApiError.invalid("messages", "messages is required");
        }
        if (!list.isArray() || list.isEmpty()) {
            throw ApiError.invalid("messages", "messages must be a non-empty array");
        }
        List<Message> messages = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) {
                throw ApiError.invalid(at, at + " must be an object with role and content");
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) {
                throw ApiError.invalid(at + ".role", at + ".role must be a string");
            }
            messages.add(new Message(role.asText(), content(m.get("content"), at + ".content")));
        }
        return messages;
    }

    /** A message's text: a string, or the concatenated text parts of an array of content parts. */
    private static String content(JsonNode content, String param) {
        if (isAbsent(content)) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw ApiError.invalid(param, param + " must be a string or an array of text parts");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            JsonNode type = part.get("type");
            JsonNode partText = part.get("text");
            if (type == null || !"text".equals(type.asText()) || partText == null || !partText.isTextual()) {
                throw ApiError.invalid(param + "[" + i + "]", "only text content parts ({\"type\":\"text\",\"text\":…}) are supported");
            }
            text.append(partText.asText());
        }
        return text.toString();
    }

    private static int[] tokenIds(JsonNode array, String param) {
        if (array.isEmpty()) {
            throw ApiError.invalid(param, param + " must not be empty");
        }
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = array.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0) {
                throw ApiError.invalid(param, param + "[" + i + "] must be a token id (a non-negative integer)");
            }
            ids[i] = id.asInt();
        }
        return ids;
    }

    /** OpenAI's {@code logit_bias}: an object from token ids (as strings) to numbers in [-100, 100]. */
    private static Map<Integer, Float> logitBias(JsonNode body) {
        JsonNode bias = body.get("logit_bias");
        if (isAbsent(bias)) {
            return Map.of();
        }
        if (!bias.isObject() || bias.size() > MAX_LOGIT_BIAS_ENTRIES) {
            throw ApiError.invalid("logit_bias", "logit_bias must be an object of at most " + MAX_LOGIT_BIAS_ENTRIES
                    + " token ids to biases");
        }
        Map<Integer, Float> biases = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : bias.properties()) {
            int id;
            try {
                id = Integer.parseInt(entry.getKey());
            } catch (NumberFormatException e) {
                id = -1;
            }
            if (id < 0) {
                throw ApiError.invalid("logit_bias", "logit_bias keys must be token ids (non-negative integers), got \""
                        + entry.getKey() + "\"");
            }
            JsonNode value = entry.getValue();
            if (!value.isNumber() || !(Math.abs(value.asDouble()) <= 100)) {
                throw ApiError.invalid("logit_bias", "logit_bias[" + id + "] must be a number in [-100, 100], got "
                        + value);
            }
            biases.put(id, value.floatValue());
        }
        return Map.copyOf(biases);
    }

    private static List<String> stop(JsonNode body) {
        JsonNode stop = body.get("stop");
        if (isAbsent(stop)) {
            return List.of();
        }
        if (stop.isTextual()) {
            return stop.asText().isEmpty() ? List.of() : List.of(stop.asText());
        }
        if (!stop.isArray() || stop.size() > MAX_STOP_SEQUENCES) {
            throw ApiError.invalid("stop", "stop must be a string or an array of at most " + MAX_STOP_SEQUENCES + " strings");
        }
        List<String> stops = new ArrayList<>(stop.size());
        for (JsonNode s : stop) {
            if (!s.isTextual() || s.asText().isEmpty()) {
                throw ApiError.invalid("stop", "every stop sequence must be a non-empty string");
            }
            stops.add(s.asText());
        }
        return List.copyOf(stops);
    }

    private static Long seed(JsonNode body) {
        JsonNode seed = body.get("seed");
        if (isAbsent(seed)) {
            return null;
        }
        if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
            throw ApiError.invalid("seed", "seed must be an integer");
        }
        return seed.asLong();
    }

    private static String requiredString(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (isAbsent(value)) {
            throw ApiError.invalid(name, name + " is required");
        }
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw ApiError.invalid(name, name + " must be a non-empty string");
        }
        return value.asText();
    }

    private static boolean bool(JsonNode body, String name, boolean fallback) {
        return bool(body, name, name, fallback);
    }

    private static boolean bool(JsonNode body, String name, String param, boolean fallback) {
        JsonNode value = body.get(name);
        if (isAbsent(value)) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw ApiError.invalid(param, param + " must be true or false");
        }
        return value.asBoolean();
    }

    private static int optionalInt(JsonNode body, String name, int min, int max, int fallback) {
        return isAbsent(body.get(name)) ? fallback : intIn(body, name, min, max, fallback);
    }

    private static int intIn(JsonNode body, String name, int min, int max, int fallback) {
        JsonNode value = body.get(name);
        if (isAbsent(value)) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            throw ApiError.invalid(name, name + " must be an integer in [" + min + ", "
                    + (max == Integer.MAX_VALUE ? "∞" : max) + "], got " + value);
        }
        return value.asInt();
    }

    private static float number(JsonNode body, String name, float min, float max, float fallback,
                                boolean minInclusive, boolean maxInclusive) {
        JsonNode value = body.get(name);
        if (isAbsent(value)) {
            return fallback;
        }
        double v = value.asDouble();
        boolean aboveMin = minInclusive ? v >= min : v > min;
        boolean belowMax = maxInclusive ? v <= max : v < max;
        if (!value.isNumber() || !Double.isFinite(v) || !aboveMin || !belowMax) {
            String range = (minInclusive ? "[" : "(") + min + ", " + (max == Float.MAX_VALUE ? "∞" : max)
                    + (maxInclusive ? "]" : ")");
            throw ApiError.invalid(name, name + " must be a number in " + range + ", got " + value);
        }
        return (float) v;
    }

    private static void refuseUnless(JsonNode body, String name, java.util.function.Predicate<JsonNode> acceptable,
                                     String message) {
        JsonNode value = body.get(name);
        if (!isAbsent(value) && !acceptable.test(value)) {
            throw ApiError.invalid(name, message);
        }
    }

    private static boolean isAbsent(JsonNode value) {
        return value == null || value.getNodeType() == JsonNodeType.NULL;
    }
}
