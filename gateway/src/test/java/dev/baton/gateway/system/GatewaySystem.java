package dev.baton.gateway.system;

import dev.baton.testing.kafka.KafkaBrokerResource;
import java.nio.file.Path;
import java.util.Map;

/**
 * The system under test, started once per test JVM: a Kafka broker, the real tokenizer service (stories260K's
 * vocabulary with {@link ChatTemplateWithExtras#TEMPLATE}), a
 * scripted stand-in pipeline, and two gateway processes — A owns reply partitions 0,1 with default settings; B owns
 * 2,3, requires an API key, admits at most 2 requests at once and gives up on a request after 3 s of silence.
 */
final class GatewaySystem {
    static final String MODEL = "stories260K";
    static final String API_KEY = "sk-test-key";
    private static GatewaySystem shared;

    final String bootstrapServers;
    final ServiceProcess tokenizer;
    final ServiceProcess gatewayA;
    final ServiceProcess gatewayB;
    final ScriptedPipeline pipeline;

    private GatewaySystem() {
        bootstrapServers = KafkaBrokerResource.bootstrapServers();
        pipeline = new ScriptedPipeline(bootstrapServers);
        Path shared = Path.of(System.getProperty("baton.shared", System.getenv().getOrDefault("BATON_SHARED", "../../shared")));
        tokenizer = ServiceProcess.start("tokenizer", "tokenizer-service", Map.of(
                "baton.tokenizer.model", shared.resolve("models/stories260K.gguf").toAbsolutePath().toString(),
                "baton.tokenizer.chat-template", ChatTemplateWithExtras.write().toAbsolutePath().toString()));
        gatewayA = ServiceProcess.start("gateway-a", "gateway", Map.of(
                "kafka.bootstrap.servers", bootstrapServers,
                "quarkus.grpc.clients.tokenizer.port", String.valueOf(tokenizer.port()),
                "baton.gateway.model-name", MODEL,
                "baton.gateway.reply-partitions", "0,1",
                "baton.gateway.pipeline-check-interval", "200ms",
                "baton.gateway.max-body-bytes", "65536"));
        gatewayB = ServiceProcess.start("gateway-b", "gateway", Map.of(
                "kafka.bootstrap.servers", bootstrapServers,
                "quarkus.grpc.clients.tokenizer.port", String.valueOf(tokenizer.port()),
                "baton.gateway.model-name", MODEL,
                "baton.gateway.reply-partitions", "2,3",
                "baton.gateway.reply-spread", "2",
                "baton.gateway.pipeline-check-interval", "200ms",
                "baton.gateway.api-keys", API_KEY,
                "baton.gateway.max-in-flight", "2",
                "baton.gateway.reply-timeout", "3s"));
        pipeline.awaitAssignment();
    }

    static synchronized GatewaySystem get() {
        if (shared == null) {
            shared = new GatewaySystem();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "gateway-system-shutdown"));
        }
        return shared;
    }

    /** Waits until a gateway sees a pipeline in the group (it looks every 200 ms). */
    void awaitPipelineSeen(ServiceProcess gateway) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            var response = Api.post(gateway, "/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"max_tokens\":1}",
                    Map.of("Authorization", "Bearer " + API_KEY));
            if (response.statusCode() != 503) {
                return;
            }
            ServiceProcess.sleep(100);
        }
        throw new IllegalStateException("gateway " + gateway.baseUrl() + " never saw the pipeline");
    }

    private void close() {
        pipeline.close();
        gatewayA.close();
        gatewayB.close();
        tokenizer.close();
    }
}
