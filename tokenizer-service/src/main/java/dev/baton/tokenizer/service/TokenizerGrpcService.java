package dev.baton.tokenizer.service;

import dev.baton.proto.ChatTemplateRequest;
import dev.baton.proto.ChatTemplateResponse;
import dev.baton.proto.CountTokensResponse;
import dev.baton.proto.DecodeRequest;
import dev.baton.proto.DecodeResponse;
import dev.baton.proto.EncodeRequest;
import dev.baton.proto.EncodeResponse;
import dev.baton.proto.ModelInfoRequest;
import dev.baton.proto.ModelInfoResponse;
import dev.baton.proto.TokenizerService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The gRPC face of the tokenizer. Tokenizing a megabyte takes tens of milliseconds, so every call runs on a worker
 * thread, never on the event loop. Bad input is INVALID_ARGUMENT with a message; anything unexpected is logged and
 * answered INTERNAL, so one odd request never takes the service down.
 */
@GrpcService
public class TokenizerGrpcService implements TokenizerService {
    private static final Logger LOG = Logger.getLogger(TokenizerGrpcService.class);

    private final ServedModel model;
    private final ChatPrompts chat;
    private final InputLimits limits;
    private final TokenizerServiceConfig config;

    TokenizerGrpcService(ServedModel model, ChatPrompts chat, InputLimits limits, TokenizerServiceConfig config) {
        this.model = model;
        this.chat = chat;
        this.limits = limits;
        this.config = config;
    }

    @Override
    @Blocking
    public Uni<EncodeResponse> encode(EncodeRequest request) {
        return answer("Encode", () -> {
            int[] ids = encodeText(request);
            EncodeResponse.Builder response = EncodeResponse.newBuilder();
            for (int id : ids) {
                response.addIds(id);
            }
            return response.build();
        });
    }

    @Override
    @Blocking
    public Uni<CountTokensResponse> countTokens(EncodeRequest request) {
        return answer("CountTokens", () -> CountTokensResponse.newBuilder().setCount(encodeText(request).length).build());
    }

    @Override
    @Blocking
    public Uni<DecodeResponse> decode(DecodeRequest request) {
        return answer("Decode", () -> {
            ServedModel.Loaded loaded = model.get();
            int count = request.getIdsCount();
            if (count > config.maxDecodeIds()) {
                throw InvalidArgument.because("ids has " + count + " entries; the maximum is " + config.maxDecodeIds()
                        + " (baton.tokenizer.max-decode-ids)");
            }
            int vocabSize = loaded.info().getVocabSize();
            int[] ids = new int[count];
            for (int i = 0; i < count; i++) {
                int id = request.getIds(i);
                if (id < 0 || id >= vocabSize) {
                    throw InvalidArgument.because("ids[" + i + "] = " + id + " is outside the vocabulary (0.."
                            + (vocabSize - 1) + ")");
                }
                ids[i] = id;
            }
            return DecodeResponse.newBuilder().setText(loaded.tokenizer().decode(ids)).build();
        });
    }

    @Override
    @Blocking
    public Uni<ChatTemplateResponse> applyChatTemplate(ChatTemplateRequest request) {
        return answer("ApplyChatTemplate", () -> chat.render(model.get(), request));
    }

    @Override
    @Blocking
    public Uni<ModelInfoResponse> modelInfo(ModelInfoRequest request) {
        return answer("ModelInfo", () -> model.get().info());
    }

    private int[] encodeText(EncodeRequest request) {
        ServedModel.Loaded loaded = model.get();
        String text = limits.text(request.getText(), "text");
        return loaded.tokenizer().encode(text, request.getAddSpecial(), request.getParseSpecial());
    }

    private static <T> Uni<T> answer(String method, Supplier<T> work) {
        try {
            return Uni.createFrom().item(work.get());
        } catch (StatusRuntimeException e) {
            return Uni.createFrom().failure(e);
        } catch (RuntimeException | StackOverflowError e) {
            LOG.errorf(e, "%s failed", method);
            return Uni.createFrom().failure(Status.INTERNAL.withDescription(method + " failed: " + e)
                    .asRuntimeException());
        }
    }
}
