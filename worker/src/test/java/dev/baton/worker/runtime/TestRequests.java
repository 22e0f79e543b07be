package dev.baton.worker.runtime;

import dev.baton.proto.InferenceRequest;
import dev.baton.proto.RecordSchema;
import dev.baton.proto.Sampling;
import java.util.Arrays;
import java.util.UUID;

/** Building InferenceRequests as the gateway publishes them. */
public final class TestRequests {
    private TestRequests() {
    }

    public static InferenceRequest.Builder request(String model, int[] prompt, int maxTokens) {
        return InferenceRequest.newBuilder().setSchemaVersion(RecordSchema.CURRENT_VERSION)
                .setRequestId("req-" + UUID.randomUUID()).setModel(model)
                .addAllPromptTokenIds(Arrays.stream(prompt).boxed().toList())
                .setSampling(Sampling.getDefaultInstance())
                .setMaxTokens(maxTokens).setReplyPartition(0).setCreatedAtMs(System.currentTimeMillis());
    }

    /** The model name a pipeline serves by default: the file name without .gguf. */
    public static String modelName(java.nio.file.Path model) {
        String name = model.getFileName().toString();
        return name.substring(0, name.length() - ".gguf".length());
    }
}
