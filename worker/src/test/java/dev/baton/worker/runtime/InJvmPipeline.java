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
 * starts at the end of baton.requests (so requests of other tests are not read). Public, with {@link TestKafka},
 * {@link TestRequests} and {@link EngineReference}, for other modules' tests (the worker's test-jar).
 */
public final class InJvmPipeline implements AutoCloseable {
    private final String bootstrapServers;
    private final StageRuntime[] stages;
    private final Server[] servers;
    private final List<Map<String, String>> configs;
    private final String group;

    private InJvmPipeline(String bootstrapServers, int count, String group) {
        this.bootstrapServers = bootstrapServers;
        this.stages = new StageRuntime[count];
        this.servers = new Server[count];
        this.configs = new ArrayList<>(java.util.Collections.nCopies(count, null));
        this.group = group;
    }

    /** Starts {@code count} stages on {@code model} in a new group and waits until stage 0 is ready. */
    public static InJvmPipeline start(String bootstrapServers, Path model, int count, Map<String, String> extra) {
        String group = "test-pipeline-" + UUID.randomUUID();
        TestKafka.startGroupAtEnd(bootstrapServers, group);
        return startInGroup(bootstrapServers, model, count, extra, group);
    }

    /** Starts a pipeline in an existing group: it goes on from the group's committed offsets. */
    static InJvmPipeline startInGroup(String bootstrapServers, Path model, int count, Map<String, String> extra,
                                      String group) {
        InJvmPipeline pipeline = new InJvmPipeline(bootstrapServers, count, group);
        String next = null;
        for (int k = count - 1; k >= 0; k--) {
            Map<String, String> config = new HashMap<>();
            config.put("baton.worker.model", model.toString());
            config.put("baton.worker.stage", Integer.toString(k));
            config.put("baton.worker.stages", Integer.toString(count));
            config.put("baton.worker.threads", "1");
            config.put("baton.worker.consumer-group", group);
            config.put("baton.worker.shutdown-grace", "2s");
            config.put("baton.worker.warmup.enabled", "false"); // tests stay quick; extra may turn it on
            if (next != null) {
                config.put("baton.worker.next", next);
            }
            config.putAll(extra);
            pipeline.configs.set(k, config);
            pipeline.startStage(k, 0);
            if (k > 0) {
                next = "127.0.0.1:" + pipeline.servers[k].getPort();
            }
        }
        pipeline.awaitReady(Duration.ofSeconds(60));
        return pipeline;
    }

    /** Starts stage k, after the first behind a gRPC server on {@code port} (0: any free port). */
    private void startStage(int k, int port) {
        stages[k] = StageRuntime.start(WorkerConfigs.of(configs.get(k)), bootstrapServers);
        if (k == 0) {
            return;
        }
        try {
            servers[k] = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                    .addService(stages[k].endpoint())
                    .maxInboundMessageSize(NextStage.MAX_MESSAGE_BYTES)
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops stage k (k > 0) abruptly, as a crashed process would, and starts a fresh one on the same port. */
    void restartStage(int k) {
        int port = servers[k].getPort();
        stopServer(servers[k]);
        stages[k].close();
        startStage(k, port);
    }

    public StageRuntime stage(int index) {
        return stages[index];
    }

    int size() {
        return stages.length;
    }

    public String group() {
        return group;
    }

    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stages[0].ready()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pipeline not ready: " + stages[0].readinessProblem());
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
            if (stage != null) {
                stage.close();
            }
        }
        for (Server server : servers) {
            if (server != null) {
                stopServer(server);
            }
        }
    }

    private static void stopServer(Server server) {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
