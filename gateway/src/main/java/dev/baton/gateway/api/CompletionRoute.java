package dev.baton.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.gateway.GatewayConfig;
import dev.baton.gateway.api.GenerationRequest.Kind;
import dev.baton.gateway.publish.PipelineWatch;
import dev.baton.gateway.publish.RequestPublisher;
import dev.baton.gateway.replies.ReplyConsumer;
import dev.baton.gateway.replies.ReplyPartitions;
import dev.baton.gateway.status.RequestIds;
import dev.baton.gateway.status.RequestRecord;
import dev.baton.gateway.status.RequestStore;
import dev.baton.gateway.tokens.TokenizerClient;
import dev.baton.kafka.BatonTopic;
import dev.baton.kafka.RequestTrace;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.RecordSchema;
import dev.baton.proto.Sampling;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.impl.ContextInternal;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * POST /v1/completions and /v1/chat/completions: validate, admit (429 past the in-flight bound), check that a
 * pipeline listens (503), resolve the model (404), tokenize through the tokenizer service, check the context length
 * (400), publish, then deliver the replies as a stream or as one answer. Every check runs before publishing, so a
 * refused request leaves nothing in the log.
 */
@ApplicationScoped
public class CompletionRoute {
    private static final Logger LOG = Logger.getLogger(CompletionRoute.class);

    private final ObjectMapper json;
    private final GatewayConfig config;
    private final AdmissionLimit admission;
    private final PipelineWatch pipelines;
    private final ServedModel model;
    private final TokenizerClient tokenizer;
    private final RequestStore store;
    private final ReplyConsumer replies;
    private final RequestPublisher publisher;
    private final LoopHandOff loops;

    CompletionRoute(ObjectMapper json, GatewayConfig config, AdmissionLimit admission, PipelineWatch pipelines,
                    ServedModel model, TokenizerClient tokenizer, RequestStore store, ReplyConsumer replies,
                    RequestPublisher publisher, LoopHandOff loops) {
        this.json = json;
        this.config = config;
        this.admission = admission;
        this.pipelines = pipelines;
        this.model = model;
        this.tokenizer = tokenizer;
        this.store = store;
        this.replies = replies;
        this.publisher = publisher;
        this.loops = loops;
    }

    void handle(RoutingContext ctx, Kind kind) {
        long receivedMicros = RequestTrace.nowMicros();
        GenerationRequest request = RequestParser.parse(kind, JsonBodies.read(json, ctx), clientRequestId(ctx));
        AdmissionLimit.Slot slot = admission.tryAcquire();
        if (slot == null) {
            throw ApiError.overloaded("too many requests in flight on this gateway (" + config.maxInFlight()
                    + ", baton.gateway.max-in-flight); retry later");
        }
        ContextInternal context = (ContextInternal) Vertx.currentContext();
        try {
            if (!pipelines.available()) {
                throw ApiError.unavailable("no pipeline is available to serve requests (no member in consumer group "
                        + config.pipelineGroup() + ")", "no_pipeline");
            }
            ReplyPartitions partitions = replies.partitions();
            if (partitions == null) {
                throw ApiError.unavailable("the gateway is still connecting to Kafka", "not_ready");
            }
            model.facts()
                    .chain(facts -> {
                        facts.requireModel(request.model());
                        checkLogitBias(request, facts);
                        return promptIds(request, facts).map(ids -> new Prepared(facts, ids, receivedMicros,
                                RequestTrace.nowMicros()));
                    })
                    // The tokenizer answers on this request's event loop: go on at once, without a queued task.
                    .emitOn(task -> context.emit(ignored -> task.run()))
                    .subscribe().with(
                            prepared -> publishAndDeliver(ctx, request, prepared, partitions, slot),
                            failure -> {
                                slot.release();
                                ErrorResponses.send(ctx.response(), asApiError(failure));
                            });
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
    }

    /** A request ready to publish; the two times are for {@link RequestTrace} (known before the request's id is). */
    private record Prepared(ServedModel.Facts facts, int[] promptIds, long receivedMicros, long tokenizedMicros) {
    }

    private static void checkLogitBias(GenerationRequest request, ServedModel.Facts facts) {
        int vocabSize = facts.info().getVocabSize();
        for (int id : request.logitBias().keySet()) {
            if (id >= vocabSize) {
                throw ApiError.invalid("logit_bias", "logit_bias token id " + id + " is outside the vocabulary (0.."
                        + (vocabSize - 1) + ")");
            }
        }
    }

    private Uni<int[]> promptIds(GenerationRequest request, ServedModel.Facts facts) {
        if (request.kind() == Kind.CHAT) {
            return tokenizer.applyChatTemplate(request.messages(), request.templateKwargsJson())
                    .map(rendered -> rendered.getIdsList().stream().mapToInt(Integer::intValue).toArray());
        }
        if (request.promptIds() != null) {
            int vocabSize = facts.info().getVocabSize();
            for (int i = 0; i < request.promptIds().length; i++) {
                if (request.promptIds()[i] >= vocabSize) {
                    throw ApiError.invalid("prompt", "prompt[" + i + "] = " + request.promptIds()[i]
                            + " is outside the vocabulary (0.." + (vocabSize - 1) + ")");
                }
            }
            return Uni.createFrom().item(request.promptIds());
        }
        return tokenizer.encode(request.prompt(), "prompt");
    }

    private void publishAndDeliver(RoutingContext ctx, GenerationRequest request, Prepared prepared,
                                   ReplyPartitions partitions, AdmissionLimit.Slot slot) {
        HttpServerResponse response = ctx.response();
        // A streaming client gone while we tokenized: its disconnect is its cancel, so publish nothing. A non-streaming
        // request was accepted once it parsed; it is published anyway and its answer is read back by id.
        if (request.stream() && response.closed()) {
            slot.release();
            return;
        }
        try {
            checkContext(request, prepared);
        } catch (ApiError e) {
            slot.release();
            ErrorResponses.send(response, e);
            return;
        }
        long now = System.currentTimeMillis();
        String id = request.requestId() != null ? request.requestId() : RequestIds.next(request.kind(), now);
        RequestRecord record = new RequestRecord(id, request.kind(), prepared.facts().name(), now,
                prepared.promptIds().length, request.topLogprobs() >= 0);
        if (!store.register(record)) {
            slot.release();
            ErrorResponses.send(response, new ApiError(409, "invalid_request_error", "a request with id " + id
                    + " is still running (X-Request-Id must be unique)", null, "duplicate_request_id"));
            return;
        }
        CompletionShapes shapes = new CompletionShapes(json, id, request.kind(), prepared.facts().name(), now);
        ClientWriter writer = request.stream()
                ? new StreamingWriter(response, shapes, request.kind(), id, request.includeUsage())
                : new WholeAnswerWriter(response, shapes, record);
        ReplyDelivery delivery = new ReplyDelivery(ctx.vertx(), loops, record, store, writer, publisher, slot,
                config.replyTimeout(), request.stream());
        delivery.start();
        response.closeHandler(ignored -> delivery.clientGone());
        InferenceRequest published = inferenceRequest(request, id, prepared, partitions.pick(), now);
        RequestTrace.markAt(id, "gateway-received", prepared.receivedMicros());
        RequestTrace.markAt(id, "tokenized", prepared.tokenizedMicros());
        RequestTrace.mark(id, "publishing");
        Context context = Vertx.currentContext();
        publisher.publish(published).whenComplete((ok, failure) -> {
            if (failure == null) {
                RequestTrace.mark(id, "published");
            } else {
                context.runOnContext(ignored -> delivery.notPublished(ApiError.unavailable(
                        "the request could not be written to Kafka: " + failure.getMessage(), "kafka_unavailable")));
            }
        });
    }

    /** The prompt, and the prompt with max_tokens, must fit the model's context (when the model says how long it is). */
    private static void checkContext(GenerationRequest request, Prepared prepared) {
        int context = prepared.facts().info().getContextLength();
        int prompt = prepared.promptIds().length;
        if (prompt == 0) {
            throw ApiError.invalid(request.kind().promptParam(), "the prompt has no tokens");
        }
        if (context <= 0) {
            return;
        }
        if (prompt >= context) {
            throw new ApiError(400, "invalid_request_error", "This model's maximum context length is " + context
                    + " tokens; the prompt has " + prompt + " tokens (at least one must remain for the answer)",
                    request.kind().promptParam(), "context_length_exceeded");
        }
        if (request.maxTokens() > 0 && (long) prompt + request.maxTokens() > context) {
            throw new ApiError(400, "invalid_request_error", "This model's maximum context length is " + context
                    + " tokens; the prompt (" + prompt + ") plus max_tokens (" + request.maxTokens() + ") exceed it",
                    "max_tokens", "context_length_exceeded");
        }
    }

    private static InferenceRequest inferenceRequest(GenerationRequest request, String id, Prepared prepared,
                                                     int replyPartition, long now) {
        long seed = request.seed() != null ? request.seed() : ThreadLocalRandom.current().nextLong();
        Sampling sampling = Sampling.newBuilder()
                .setTemperature(request.temperature())
                .setTopK(request.topK())
                .setTopP(request.topP())
                .setMinP(request.minP())
                .setRepetitionPenalty(request.repetitionPenalty())
                .setPresencePenalty(request.presencePenalty())
                .setFrequencyPenalty(request.frequencyPenalty())
                .setSeed(seed)
                .setLogprobs(request.topLogprobs() >= 0)
                .setTopLogprobs(Math.max(0, request.topLogprobs()))
                .putAllLogitBias(request.logitBias())
                .build();
        InferenceRequest.Builder record = InferenceRequest.newBuilder()
                .setSchemaVersion(RecordSchema.CURRENT_VERSION)
                .setRequestId(id)
                .setModel(prepared.facts().name())
                .setSampling(sampling)
                .setMaxTokens(request.maxTokens())
                .addAllStopStrings(request.stop())
                .setIgnoreEos(request.ignoreEos())
                .setReplyPartition(replyPartition)
                .setReplyTopic(BatonTopic.REPLIES.topicName())
                .setCreatedAtMs(now);
        for (int token : prepared.promptIds()) {
            record.addPromptTokenIds(token);
        }
        return record.build();
    }

    private static String clientRequestId(RoutingContext ctx) {
        String id = ctx.request().getHeader("X-Request-Id");
        if (id == null || id.isEmpty()) {
            return null;
        }
        if (!RequestIds.isValidClientId(id)) {
            throw ApiError.invalid(null, "the X-Request-Id header must be 1 to 128 letters, digits or . _ : -");
        }
        return id;
    }

    static ApiError asApiError(Throwable failure) {
        if (failure instanceof ApiError e) {
            return e;
        }
        LOG.error("request failed", failure);
        return ApiError.internal("internal error");
    }
}
