package dev.baton.gateway.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.proto.ErrorInfo;

/**
 * A request that cannot be served, as OpenAI's error object: the HTTP status, the error type, the offending
 * parameter (or null) and a machine-readable code (or null). The message is shown to the client, so it must never
 * carry internals such as stack traces.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiError(int status, String type, String message, String param, String code) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: a parameter has a wrong value or type. */
    public static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", message, param, "invalid_value");
    }

    public static ApiError unauthorized(String message) {
        return new ApiError(401, "invalid_request_error", message, null, "invalid_api_key");
    }

    public static ApiError notFound(String message, String param, String code) {
        return new ApiError(404, "invalid_request_error", message, param, code);
    }

    public static ApiError tooLarge(String message) {
        return new ApiError(413, "invalid_request_error", message, null, "request_too_large");
    }

    public static ApiError overloaded(String message) {
        return new ApiError(429, "rate_limit_error", message, null, "too_many_requests");
    }

    public static ApiError unavailable(String message, String code) {
        return new ApiError(503, "service_unavailable", message, null, code);
    }

    public static ApiError internal(String message) {
        return new ApiError(500, "server_error", message, null, "internal_error");
    }

    /** The client's view of a request the pipeline refused or failed. */
    public static ApiError fromPipeline(ErrorInfo error) {
        if (error == null) {
            return internal("the request failed in the pipeline");
        }
        String message = error.getMessage().isEmpty() ? "the request failed in the pipeline" : error.getMessage();
        return switch (error.getCode()) {
            case ERROR_CODE_INVALID_REQUEST -> new ApiError(400, "invalid_request_error", message, null, "invalid_request");
            case ERROR_CODE_UNKNOWN_MODEL -> notFound(message, "model", "model_not_found");
            case ERROR_CODE_CONTEXT_LENGTH_EXCEEDED ->
                    new ApiError(400, "invalid_request_error", message, null, "context_length_exceeded");
            default -> internal(message);
        };
    }

    /** OpenAI's error body: {@code {"error":{"message","type","param","code"}}}. */
    public ObjectNode toJson() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        if (param == null) {
            error.putNull("param");
        } else {
            error.put("param", param);
        }
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        return body;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
