package dev.baton.worker.scheduling;

import dev.baton.proto.ErrorCode;
import dev.baton.proto.InferenceRequest;
import dev.baton.worker.output.ReplyPublisher;
import dev.baton.worker.stage.RequestParameters;

/**
 * Stage 0's admission rules: a request runs only if this pipeline serves its model, its prompt is non-empty, inside
 * the vocabulary and shorter than the context, and its sampling parameters are valid. A refused request is finished
 * at once (see {@link RequestIntake}); whether its client can be told depends on whether its reply address is valid.
 */
final class RequestCheck {
    private final String modelName;
    private final int vocabSize;
    private final int maxContext;
    private final ReplyPublisher replies;

    /** Why a request cannot run; {@code routable} when an error event can reach its client. */
    record Refusal(ErrorCode code, String message, boolean routable) {
    }

    RequestCheck(String modelName, int vocabSize, int maxContext, ReplyPublisher replies) {
        this.modelName = modelName;
        this.vocabSize = vocabSize;
        this.maxContext = maxContext;
        this.replies = replies;
    }

    /** Null when the request can run. */
    Refusal check(InferenceRequest request) {
        if (request.getRequestId().isEmpty()) {
            return new Refusal(ErrorCode.ERROR_CODE_INVALID_REQUEST, "the request has no request_id", false);
        }
        String unroutable = replies.unroutable(request);
        if (unroutable != null) {
            return new Refusal(ErrorCode.ERROR_CODE_INVALID_REQUEST, unroutable, false);
        }
        if (!modelName.equals(request.getModel())) {
            return new Refusal(ErrorCode.ERROR_CODE_UNKNOWN_MODEL, "model '" + request.getModel()
                    + "' is not served by this pipeline (it serves '" + modelName + "')", true);
        }
        int promptLength = request.getPromptTokenIdsCount();
        if (promptLength == 0) {
            return invalid("the prompt has no tokens");
        }
        for (int i = 0; i < promptLength; i++) {
            int id = request.getPromptTokenIds(i);
            if (id < 0 || id >= vocabSize) {
                return invalid("prompt token " + i + " has id " + id + ", outside the vocabulary [0, " + vocabSize
                        + ")");
            }
        }
        if (promptLength >= maxContext) {
            return new Refusal(ErrorCode.ERROR_CODE_CONTEXT_LENGTH_EXCEEDED, "the prompt has " + promptLength
                    + " tokens; this pipeline's context holds " + maxContext + " (prompt plus at least one generated)",
                    true);
        }
        if (request.getMaxTokens() < 0) {
            return invalid("max_tokens must not be negative, got " + request.getMaxTokens());
        }
        for (int id : request.getStopTokenIdsList()) {
            if (id < 0 || id >= vocabSize) {
                return invalid("stop token id " + id + " is outside the vocabulary [0, " + vocabSize + ")");
            }
        }
        try {
            int biased = RequestParameters.sampling(request).logitBias().maxId();
            if (biased >= vocabSize) {
                return invalid("logit bias token id " + biased + " is outside the vocabulary [0, " + vocabSize + ")");
            }
        } catch (IllegalArgumentException e) {
            return invalid("invalid sampling parameters: " + e.getMessage());
        }
        return null;
    }

    private static Refusal invalid(String message) {
        return new Refusal(ErrorCode.ERROR_CODE_INVALID_REQUEST, message, true);
    }
}
