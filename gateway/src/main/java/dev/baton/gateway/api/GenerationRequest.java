package dev.baton.gateway.api;

import java.util.List;
import java.util.Map;

/**
 * A completion or chat completion request after validation: every value is in range and defaults are filled in
 * (OpenAI's: temperature 1, top_p 1; completions stop after 16 tokens unless max_tokens says otherwise).
 *
 * @param kind          which endpoint it came through (decides the response shapes)
 * @param prompt        the text prompt (completions), or null
 * @param promptIds     a pre-tokenized prompt (completions), or null
 * @param messages      the chat messages (chat completions), or null
 * @param templateKwargsJson extra chat template variables as a JSON object ({@code tools}, then the client's
 *                      {@code chat_template_kwargs}); empty when there are none or for completions
 * @param maxTokens     most tokens to generate; 0 = up to the context length
 * @param topLogprobs   -1 = no log-probabilities; 0 = the sampled token's; n = also the n most likely alternatives
 * @param seed          null when the client gave none (the gateway then draws one, so replay reproduces the tokens)
 * @param requestId     a client-chosen id (X-Request-Id header), or null
 * @param logitBias     token id to the bias added to its logit (OpenAI's logit_bias); empty = none
 */
public record GenerationRequest(Kind kind, String model, String prompt, int[] promptIds, List<Message> messages,
                                int maxTokens, float temperature, float topP, int topK, float minP,
                                float presencePenalty, float frequencyPenalty, float repetitionPenalty, Long seed,
                                List<String> stop, int topLogprobs, boolean ignoreEos, boolean stream,
                                boolean includeUsage, String requestId, String templateKwargsJson,
                                Map<Integer, Float> logitBias) {

    /** The endpoint a request came through. */
    public enum Kind {
        TEXT("cmpl-", "prompt"),
        CHAT("chatcmpl-", "messages");

        private final String idPrefix;
        private final String promptParam;

        Kind(String idPrefix, String promptParam) {
            this.idPrefix = idPrefix;
            this.promptParam = promptParam;
        }

        /** How ids of this kind start, as OpenAI's do. */
        public String idPrefix() {
            return idPrefix;
        }

        /** The parameter that carries the prompt, for errors about its size. */
        public String promptParam() {
            return promptParam;
        }
    }

    /** One chat message: a role and its text. */
    public record Message(String role, String content) {
    }
}
