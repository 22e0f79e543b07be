package dev.baton.worker.runtime;

import dev.baton.worker.pipeline.NextStage;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The stages of one pipeline in this JVM: real {@link StageRuntime}s, each after the first behind its own gRPC server
 * on a free loopback port, wired by {@code baton.worker.next}, consuming in a consumer group of their own that
 * starts at the end of baton.requests (so requests of other tests are not read).
 */
final class InJvmPipeline implements AutoCloseable {
    private final List<StageRuntime> stages;
    private final List<Server> servers;
    private final String group;

    private InJvmPipeline(List<StageRuntime> stages, List<Server> servers, String group) {
        this.stages = stages;
        this.servers = servers;
        this.group = group;
    }

    /** Starts {@code count} stages on {@code model} and waits until stage 0 is ready. */
    static InJvmPipeline start(String bootstrapServers, Path model, int count, Map<String, String> extra) {
        String group = "test-pipeline-" + UUID.randomUUID();
        TestKafka.startGroupAtEnd(bootstrapServers, group);
        StageRuntime[] runtimes = new StageRuntime[count];
        List<Server> servers = new ArrayList<>();
        String next = null;
        try {
            for (int k = count - 1; k >= 0; k--) {
                Map<String, String> config = new HashMap<>();
                config.put("baton.worker.model", model.toString());
                config.put("baton.worker.stage", Integer.toString(k));
                config.put("baton.worker.stages", Integer.toString(count));
                config.put("baton.worker.threads", "1");
                config.put("baton.worker.consumer-group", group);
                config.put("baton.worker.shutdown-grace", "2s");
                if (next != null) {
                    config.put("baton.worker.next", next);
                }
                config.putAll(extra);
                runtimes[k] = StageRuntime.start(WorkerConfigs.of(config), bootstrapServers);
                if (k > 0) {
                    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                            .addService(runtimes[k].endpoint())
                            .maxInboundMessageSize(NextStage.MAX_MESSAGE_BYTES)
                            .build().start();
                    servers.add(server);
                    next = "127.0.0.1:" + server.getPort();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        InJvmPipeline pipeline = new InJvmPipeline(List.of(runtimes), servers, group);
        pipeline.awaitReady(Duration.ofSeconds(60));
        return pipeline;
    }

    StageRuntime stage(int index) {
        return stages.get(index);
    }

    int size() {
        return stages.size();
    }

    String group() {
        return group;
    }

    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stages.getFirst().ready()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pipeline not ready: " + stages.getFirst().readinessProblem());
            }
            sleep(20);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (StageRuntime stage : stages) {
            stage.close();
        }
        for (Server server : servers) {
            server.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
