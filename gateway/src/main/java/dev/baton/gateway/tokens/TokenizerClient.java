package dev.baton.gateway.tokens;

import com.google.protobuf.ByteString;
import dev.baton.gateway.GatewayConfig;
import dev.baton.gateway.api.ApiError;
import dev.baton.gateway.api.GenerationRequest.Message;
import dev.baton.proto.ChatMessage;
import dev.baton.proto.ChatTemplateRequest;
import dev.baton.proto.ChatTemplateResponse;
import dev.baton.proto.DecodeRequest;
import dev.baton.proto.EncodeRequest;
import dev.baton.proto.ModelInfoRequest;
import dev.baton.proto.ModelInfoResponse;
import dev.baton.proto.MutinyTokenizerServiceGrpc.MutinyTokenizerServiceStub;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The gateway's view of the tokenizer service: calls with a deadline, and gRPC failures turned into the API's
 * errors (INVALID_ARGUMENT → 400 naming the parameter, an unreachable, loading or silent service → 503). Each call
 * carries a gRPC deadline (timed on the connection's event loop, no timer thread to wake) and goes out on the calling
 * event loop's connection ({@link TokenizerChannels}). The model's
 * description is asked once and kept; it does not change while the service runs.
 */
@ApplicationScoped
public class TokenizerClient {
    private static final Logger LOG = Logger.getLogger(TokenizerClient.class);

    private final TokenizerChannels channels;
    private final GatewayConfig config;
    private volatile ModelInfoResponse info;

    TokenizerClient(TokenizerChannels channels, GatewayConfig config) {
        this.channels = channels;
        this.config = config;
    }

    /** What the served vocabulary and model declare (vocabulary size, context length, name). */
    public Uni<ModelInfoResponse> modelInfo() {
        ModelInfoResponse known = info;
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return call(stub -> stub.modelInfo(ModelInfoRequest.getDefaultInstance()), null)
                .invoke(response -> info = response);
    }

    /** The prompt's ids with BOS as the vocabulary wants it; control tokens written in the text are recognized. */
    public Uni<int[]> encode(String text, String param) {
        EncodeRequest request = EncodeRequest.newBuilder().setText(ByteString.copyFrom(text, StandardCharsets.UTF_8))
                .setAddSpecial(true).setParseSpecial(true).build();
        return call(stub -> stub.encode(request), param).map(response -> toArray(response.getIdsList()));
    }

    /** Encodes text as a user's tokenize call asks. */
    public Uni<List<Integer>> encode(String text, boolean addSpecial, boolean parseSpecial, String param) {
        EncodeRequest request = EncodeRequest.newBuilder().setText(ByteString.copyFrom(text, StandardCharsets.UTF_8))
                .setAddSpecial(addSpecial).setParseSpecial(parseSpecial).build();
        return call(stub -> stub.encode(request), param).map(response -> response.getIdsList());
    }

    /**
     * The chat rendered with the model's template, ending with the assistant's turn, and its ids.
     *
     * @param templateKwargsJson extra template variables as a JSON object, or empty
     */
    public Uni<ChatTemplateResponse> applyChatTemplate(List<Message> messages, String templateKwargsJson) {
        ChatTemplateRequest.Builder request = ChatTemplateRequest.newBuilder().setAddGenerationPrompt(true)
                .setTemplateKwargsJson(ByteString.copyFrom(templateKwargsJson, StandardCharsets.UTF_8));
        for (Message message : messages) {
            request.addMessages(ChatMessage.newBuilder().setRole(message.role())
                    .setContent(ByteString.copyFrom(message.content(), StandardCharsets.UTF_8)));
        }
        return call(stub -> stub.applyChatTemplate(request.build()), "messages")
                .onFailure(ApiError.class).transform(failure -> asKwargsError((ApiError) failure));
    }

    /** The service names its field (e.g. a reserved variable name); the client knows it as chat_template_kwargs. */
    private static ApiError asKwargsError(ApiError error) {
        String field = "template_kwargs_json";
        if (error.status() != 400 || error.getMessage() == null || !error.getMessage().startsWith(field)) {
            return error;
        }
        return ApiError.invalid("chat_template_kwargs", "chat_template_kwargs" + error.getMessage().substring(field.length()));
    }

    public Uni<String> decode(List<Integer> ids, String param) {
        return call(stub -> stub.decode(DecodeRequest.newBuilder().addAllIds(ids).build()), param)
                .map(response -> response.getText());
    }

    private <T> Uni<T> call(Function<MutinyTokenizerServiceStub, Uni<T>> call, String param) {
        MutinyTokenizerServiceStub stub = channels.stub()
                .withDeadlineAfter(config.tokenizerTimeout().toNanos(), TimeUnit.NANOSECONDS);
        return call.apply(stub).onFailure().transform(failure -> asApiError(failure, param));
    }

    private static Throwable asApiError(Throwable failure, String param) {
        if (failure instanceof ApiError) {
            return failure;
        }
        Status status = failure instanceof StatusRuntimeException e ? e.getStatus() : Status.fromThrowable(failure);
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return ApiError.unavailable("the tokenizer service did not answer in time", "tokenizer_unavailable");
        }
        String detail = status.getDescription() == null ? status.getCode().toString() : status.getDescription();
        return switch (status.getCode()) {
            case INVALID_ARGUMENT -> ApiError.invalid(param, detail);
            case RESOURCE_EXHAUSTED -> ApiError.tooLarge(detail);
            case FAILED_PRECONDITION -> ApiError.internal("the model's chat template cannot be used: " + detail);
            case UNIMPLEMENTED -> new ApiError(501, "not_implemented_error", detail, param, "not_implemented");
            case UNAVAILABLE, CANCELLED -> {
                LOG.debugf("tokenizer unavailable: %s", detail);
                yield ApiError.unavailable("the tokenizer service is not available", "tokenizer_unavailable");
            }
            default -> {
                LOG.warnf("tokenizer call failed: %s %s", status.getCode(), detail);
                yield ApiError.internal("the tokenizer service failed");
            }
        };
    }

    private static int[] toArray(List<Integer> ids) {
        int[] array = new int[ids.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = ids.get(i);
        }
        return array;
    }
}
