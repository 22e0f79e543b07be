package dev.baton.testing.kafka;

import dev.baton.kafka.BatonTopic;
import dev.baton.kafka.TopicSetup;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node KRaft Kafka broker inside the test JVM, on free loopback ports, with its data in a temporary folder
 * that {@link #close()} deletes. {@link #shared()} gives one broker per JVM with Baton's topics (test classes share
 * it, which saves several seconds each); {@link #start()} a private one, e.g. for a test that stops the broker.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static EmbeddedKafkaBroker shared;

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final String bootstrapServers;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path dataDir, String bootstrapServers) {
        this.server = server;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
    }

    /** The JVM-wide broker with Baton's topics at their default partition counts; started on first use. */
    public static synchronized EmbeddedKafkaBroker shared() {
        if (shared == null) {
            EmbeddedKafkaBroker broker = start();
            broker.createBatonTopics();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "embedded-kafka-shutdown"));
            shared = broker;
        }
        return shared;
    }

    /** A new private broker (no topics yet); the caller closes it. */
    public static EmbeddedKafkaBroker start() {
        Path dataDir = null;
        try {
            dataDir = Files.createTempDirectory("baton-kafka-");
            int port = freePort();
            int controllerPort = freePort();
            Properties config = brokerConfig(port, controllerPort, dataDir.resolve("data"));
            formatStorage(config, dataDir);
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, dataDir, "127.0.0.1:" + port);
            new TopicSetup(broker.bootstrapServers).awaitBroker(Duration.ofSeconds(60));
            return broker;
        } catch (IOException e) {
            deleteQuietly(dataDir);
            throw new UncheckedIOException("could not start the embedded Kafka broker", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteQuietly(dataDir);
            throw new IllegalStateException("interrupted while starting the embedded Kafka broker", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates (or grows) Baton's topics to their default partition counts. */
    public void createBatonTopics() {
        createTopics(TopicSetup.defaultLayout());
    }

    public void createTopics(Map<BatonTopic, Integer> partitions) {
        try {
            new TopicSetup(bootstrapServers).ensureTopics(partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    @Override
    public synchronized void close() {
        server.shutdown();
        server.awaitShutdown();
        deleteQuietly(dataDir);
    }

    private static Properties brokerConfig(int port, int controllerPort, Path logDir) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1"); // 50 by default: slows the first consumer group
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false"); // as the local broker: a misspelt topic fails loudly
        return p;
    }

    private static void formatStorage(Properties config, Path dir) throws IOException {
        Path file = dir.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            config.store(writer, null);
        }
        int rc = kafka.tools.StorageTool.execute(
                new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString()},
                new PrintStream(OutputStream.nullOutputStream()));
        if (rc != 0) {
            throw new IOException("kafka storage format failed with exit code " + rc);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
