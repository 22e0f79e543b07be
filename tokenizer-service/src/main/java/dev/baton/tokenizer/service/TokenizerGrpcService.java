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
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The gRPC face of the tokenizer. A prompt-sized Encode, CountTokens or Decode takes microseconds, so it is answered
 * on the event loop that received it: handing it to a worker thread and back costs two thread wake-ups, which on a
 * busy machine is milliseconds of waiting for a core on the gateway's time-to-first-token path. Tokenizing a
 * megabyte takes tens of milliseconds, so larger inputs, and chat templates (an interpreter running the model's
 * template), run on a worker thread and never hold the event loop. Bad input is INVALID_ARGUMENT with a message;
 * anything unexpected is logged and answered INTERNAL, so one odd request never takes the service down.
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

    /** Most text answered on the event loop: well under a millisecond of tokenizing. */
    static final int EVENT_LOOP_MAX_TEXT_BYTES = 4096;
    /** Most ids decoded on the event loop. */
    static final int EVENT_LOOP_MAX_IDS = 4096;

    @Override
    public Uni<EncodeResponse> encode(EncodeRequest request) {
        return answer("Encode", request.getText().size() <= EVENT_LOOP_MAX_TEXT_BYTES, () -> {
            int[] ids = encodeText(request);
            EncodeResponse.Builder response = EncodeResponse.newBuilder();
            for (int id : ids) {
                response.addIds(id);
            }
            return response.build();
        });
    }

    @Override
    public Uni<CountTokensResponse> countTokens(EncodeRequest request) {
        return answer("CountTokens", request.getText().size() <= EVENT_LOOP_MAX_TEXT_BYTES, () -> CountTokensResponse.newBuilder().setCount(encodeText(request).length).build());
    }

    @Override
    public Uni<DecodeResponse> decode(DecodeRequest request) {
        return answer("Decode", request.getIdsCount() <= EVENT_LOOP_MAX_IDS, () -> {
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
    public Uni<ModelInfoResponse> modelInfo(ModelInfoRequest request) {
        return answer("ModelInfo", () -> model.get().info());
    }

    private int[] encodeText(EncodeRequest request) {
        ServedModel.Loaded loaded = model.get();
        String text = limits.text(request.getText(), "text");
        return loaded.tokenizer().encode(text, request.getAddSpecial(), request.getParseSpecial());
    }

    /**
     * Answers on the calling event loop when {@code small}, otherwise on a worker thread. Called from a method
     * without {@code @Blocking}, which Quarkus runs on the event loop.
     */
    private static <T> Uni<T> answer(String method, boolean small, Supplier<T> work) {
        if (small) {
            return answer(method, work);
        }
        return Uni.createFrom().deferred(() -> answer(method, work))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
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
