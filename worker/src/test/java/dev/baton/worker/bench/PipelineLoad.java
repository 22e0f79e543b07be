package dev.baton.worker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.kafka.BatonTopic;
import dev.baton.proto.FinishReason;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.RecordSchema;
import dev.baton.proto.Sampling;
import dev.baton.proto.TokenEvent;
import dev.baton.worker.runtime.TestKafka;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Load generator for the worker benchmark (worker/bench/pipeline-bench.sh): publishes N requests at once to
 * baton.requests, reads their TokenEvents from baton.replies, and prints aggregate decode throughput and each stage's
 * stats (batch size, hop latency) as one JSON line.
 *
 * <p>Decode throughput counts the tokens that arrive while every request is decoding: from the moment the last
 * request got its first token (all prompts prefilled) to the moment the first request finished. That window is the
 * steady state the pipeline is built for; the whole run's tokens per second is printed too.
 *
 * <p>{@code --concurrency C} (default: all requests at once) keeps C requests in flight instead, publishing the next
 * one when one finishes, as the gateway's load generator (bench-http) keeps C clients busy; the whole run's tokens
 * per second is then the figure to compare with bench-http's (the decode window assumes one wave and is omitted).
 * {@code --warmup W} first runs W requests the same way, not counted, as bench-http runs C warm-up requests: the
 * timed run then starts, as bench-http's does, with C fresh requests on warm processes. {@code --warmup-seconds S}
 * keeps warming up, C requests at a time, until S seconds have passed: a fresh driver JVM spends 0.6-0.7 s of CPU in
 * a stories260K timed run after 32 warm-up requests and 0.2-0.3 s after ~4,000, and that CPU is taken from the
 * pipeline it measures.
 *
 * <p>Replies come back on a topic of the benchmark's own ({@code --reply-topic}, default baton.replies.load,
 * created when missing; {@code --reply-topic baton.replies} for the gateway's), so no gateway of the running
 * system spends CPU on them while the pipeline alone is measured. {@code driverCpuSeconds} is this process's own CPU
 * during the timed run: on one machine the driver shares the pipeline's cores, as bench-http does.
 *
 * <p>{@code position-group GROUP}: commits GROUP's offsets at the end of baton.requests, so a worker started in that
 * group reads only what is published afterwards.
 */
public final class PipelineLoad {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PipelineLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        String bootstrap = options.getOrDefault("bootstrap", "127.0.0.1:19092");
        if (options.containsKey("position-group")) {
            TestKafka.startGroupAtEnd(bootstrap, options.get("position-group"));
            return;
        }
        int requests = Integer.parseInt(options.getOrDefault("requests", "16"));
        int promptTokens = Integer.parseInt(options.getOrDefault("prompt-tokens", "32"));
        int maxTokens = Integer.parseInt(options.getOrDefault("max-tokens", "128"));
        int vocab = Integer.parseInt(options.getOrDefault("vocab", "32000"));
        int concurrency = Math.min(requests, Integer.parseInt(options.getOrDefault("concurrency", "" + requests)));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "0"));
        double warmupSeconds = Double.parseDouble(options.getOrDefault("warmup-seconds", "0"));
        String model = options.get("model-name");
        String replyTopic = options.getOrDefault("reply-topic", "baton.replies.load");
        List<String> statsUrls = options.containsKey("stats") ? List.of(options.get("stats").split(",")) : List.of();
        if (model == null) {
            throw new IllegalArgumentException("--model-name is required");
        }

        SplittableRandom random = new SplittableRandom(42);
        IntFunction<InferenceRequest> request = i -> {
            InferenceRequest.Builder b = InferenceRequest.newBuilder()
                    .setSchemaVersion(RecordSchema.CURRENT_VERSION)
                    .setRequestId("bench-" + UUID.randomUUID()).setModel(model)
                    .setSampling(Sampling.newBuilder().setSeed(i))
                    .setMaxTokens(maxTokens).setIgnoreEos(true).setReplyTopic(replyTopic).setReplyPartition(0)
                    .setCreatedAtMs(System.currentTimeMillis());
            b.addPromptTokenIds(1);
            for (int t = 1; t < promptTokens; t++) {
                b.addPromptTokenIds(3 + random.nextInt(vocab - 3));
            }
            return b.build();
        };
        List<InferenceRequest> timed = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            timed.add(request.apply(i));
        }

        try (KafkaConsumer<byte[], byte[]> replies = replyConsumer(bootstrap, replyTopic);
             KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            if (warmup > 0 || warmupSeconds > 0) {
                warmUp(request, warmup, warmupSeconds, concurrency, replies, producer);
            }
            System.err.println("timed run: " + requests + " requests"); // lets a script measure other processes over it
            Map<String, RequestTimes> times = new HashMap<>();
            List<Long> arrivals = new ArrayList<>();
            long startCpu = processCpuNanos();
            long start = System.nanoTime();
            drive(timed, concurrency, replies, producer, times, arrivals);
            long end = System.nanoTime();
            long driverCpu = processCpuNanos() - startCpu;
            long allDecoding = times.values().stream().mapToLong(t -> t.firstNanos).max().orElseThrow();
            long firstEnd = times.values().stream().mapToLong(t -> t.endNanos).min().orElseThrow();
            long inWindow = arrivals.stream().filter(a -> a > allDecoding && a <= firstEnd).count();
            long totalTokens = times.values().stream().mapToLong(t -> t.tokens).sum();

            Map<String, Object> report = new java.util.LinkedHashMap<>();
            report.put("requests", requests);
            report.put("promptTokens", promptTokens);
            report.put("maxTokens", maxTokens);
            if (concurrency == requests) {
                report.put("decodeTokensPerSecond", inWindow / seconds(firstEnd - allDecoding));
            } else {
                report.put("concurrency", concurrency);
            }
            report.put("endToEndTokensPerSecond", totalTokens / seconds(end - start));
            report.put("wallSeconds", seconds(end - start));
            report.put("driverCpuSeconds", seconds(driverCpu));
            List<Object> stages = new ArrayList<>();
            for (String url : statsUrls) {
                stages.add(stageSummary(url));
            }
            report.put("stages", stages);
            System.out.println(JSON.writeValueAsString(report));
        }
    }

    /**
     * Runs untimed requests, {@code concurrency} at a time, until {@code count} have finished and {@code seconds} have
     * passed (whichever comes later), so that this JVM's Kafka client is compiled before the timed run.
     */
    private static void warmUp(IntFunction<InferenceRequest> request, int count, double seconds, int concurrency,
                               KafkaConsumer<byte[], byte[]> replies, KafkaProducer<byte[], byte[]> producer)
            throws IOException {
        long until = System.nanoTime() + (long) (seconds * 1e9);
        int done = 0;
        do {
            List<InferenceRequest> round = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                round.add(request.apply(-1 - done - i));
            }
            drive(round, concurrency, replies, producer, new HashMap<>(), new ArrayList<>());
            done += concurrency;
        } while (done < count || System.nanoTime() < until);
    }

    /**
     * Publishes {@code requests}, {@code concurrency} at a time (the next as one finishes), until all finished;
     * {@code times} gets each request's first token, end and token count, {@code arrivals} every token's arrival.
     */
    private static void drive(List<InferenceRequest> requests, int concurrency, KafkaConsumer<byte[], byte[]> replies,
                              KafkaProducer<byte[], byte[]> producer, Map<String, RequestTimes> times,
                              List<Long> arrivals) throws IOException {
        requests.forEach(r -> times.put(r.getRequestId(), new RequestTimes()));
        int published = 0;
        while (published < concurrency) {
            publish(producer, requests.get(published++));
        }
        producer.flush();
        int finished = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (finished < requests.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + finished + " of " + requests.size() + " finished in time");
            }
            for (ConsumerRecord<byte[], byte[]> record : replies.poll(Duration.ofMillis(100))) {
                TokenEvent event = TokenEvent.parseFrom(record.value());
                RequestTimes t = times.get(event.getRequestId());
                if (t == null) {
                    continue;
                }
                long now = System.nanoTime();
                if (event.hasTokenId()) {
                    arrivals.add(now);
                    t.tokens++;
                    if (t.firstNanos == 0) {
                        t.firstNanos = now;
                    }
                }
                if (event.getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED) {
                    if (event.getFinishReason() != FinishReason.FINISH_REASON_LENGTH) {
                        throw new IllegalStateException("request " + event.getRequestId() + " ended "
                                + event.getFinishReason() + " " + event.getError().getMessage());
                    }
                    t.endNanos = now;
                    finished++;
                    if (published < requests.size()) {
                        publish(producer, requests.get(published++));
                    }
                }
            }
        }
    }

    private static void publish(KafkaProducer<byte[], byte[]> producer, InferenceRequest request) {
        producer.send(new ProducerRecord<>(BatonTopic.REQUESTS.topicName(),
                request.getRequestId().getBytes(StandardCharsets.UTF_8), request.toByteArray()));
    }

    private static final class RequestTimes {
        long firstNanos;
        long endNanos;
        int tokens;
    }

    /** This process's CPU time (all threads), to say what the driver itself cost the cores it shares. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static Map<String, Object> stageSummary(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode stats = JSON.readTree(response.body());
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("stage", stats.path("stage").asInt());
        m.put("maxRunning", stats.path("maxRunning").asInt());
        m.put("maxStepSequences", stats.path("maxStepSequences").asInt());
        m.put("steps", stats.path("steps").asLong());
        m.put("computeP50Micros", stats.path("computeTime").path("p50Micros").asDouble());
        m.put("hopP50Micros", stats.path("hopLatency").path("p50Micros").asDouble());
        m.put("hopP99Micros", stats.path("hopLatency").path("p99Micros").asDouble());
        m.put("hops", stats.path("hopLatency").path("count").asLong());
        return m;
    }

    private static KafkaConsumer<byte[], byte[]> replyConsumer(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            }
        }
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.auto.commit", "false");
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix the start before anything is published
        return consumer;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("linger.ms", "0"); // a request published mid-run goes out at once
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("options are --name value pairs, got " + args[i]);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}
