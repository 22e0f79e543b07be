package dev.baton.tokenizer.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.proto.TokenizerServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A plain grpc-java client on loopback, as any other process would call the service; and the golden samples. */
final class TokenizerClient implements AutoCloseable {
    private final ManagedChannel channel;
    final TokenizerServiceGrpc.TokenizerServiceBlockingStub stub;

    TokenizerClient(int port) {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        stub = TokenizerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static Path shared(String relative) {
        String env = System.getenv("BATON_SHARED");
        return Path.of(env != null && !env.isBlank() ? env : "../../shared").resolve(relative);
    }

    /** text → ids (no BOS) from a golden file's tokenization samples. */
    static Map<String, List<Integer>> goldenSamples(String goldenFile, String samplesField) {
        try {
            JsonNode samples = new ObjectMapper().readTree(shared("testdata/golden/" + goldenFile).toFile())
                    .get(samplesField).get("samples");
            Map<String, List<Integer>> result = new LinkedHashMap<>();
            samples.properties().forEach(entry -> result.put(entry.getKey(),
                    entry.getValue().valueStream().map(JsonNode::asInt).toList()));
            if (result.isEmpty()) {
                throw new IllegalStateException("no samples in " + goldenFile);
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
