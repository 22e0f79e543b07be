package dev.baton.gateway.system;

import static dev.baton.gateway.system.GatewaySystem.API_KEY;
import static dev.baton.gateway.system.GatewaySystem.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.kafka.BatonTopic;
import dev.baton.proto.TokenEvent;
import dev.baton.proto.kafka.TokenEventDeserializer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Replies reach the instance that published the request, each token exactly once. */
class ReplyRoutingIT {
    private static final Map<String, String> KEY = Map.of("Authorization", "Bearer " + API_KEY);
    private static GatewaySystem system;

    @BeforeAll
    static void start() {
        system = GatewaySystem.get();
        system.awaitPipelineSeen(system.gatewayA);
        system.awaitPipelineSeen(system.gatewayB);
    }

    @Test
    void twoGatewaysEachGetOnlyTheirOwnReplies() {
        List<CompletableFuture<HttpResponse<String>>> viaA = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> viaB = new ArrayList<>();
        ExecutorService clientsA = Executors.newFixedThreadPool(6);
        ExecutorService clientsB = Executors.newFixedThreadPool(2); // B admits 2 at once
        for (int i = 0; i < 6; i++) {
            String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"request " + i + "\",\"max_tokens\":" + (2 + i) + "}";
            viaA.add(CompletableFuture.supplyAsync(() -> Api.post(system.gatewayA, "/v1/completions", body), clientsA));
            viaB.add(CompletableFuture.supplyAsync(() -> Api.post(system.gatewayB, "/v1/completions", body, KEY), clientsB));
        }
        Set<String> idsA = answeredIds(viaA);
        Set<String> idsB = answeredIds(viaB);
        clientsA.shutdown();
        clientsB.shutdown();
        for (String id : idsA) {
            assertTrue(Set.of(0, 1).contains(system.pipeline.requests.get(id).getReplyPartition()));
        }
        for (String id : idsB) {
            assertTrue(Set.of(2, 3).contains(system.pipeline.requests.get(id).getReplyPartition()));
        }
        // and in the reply log, A's requests' events are only on A's partitions, B's only on B's
        Map<String, Set<Integer>> partitionsById = replyPartitionsById();
        idsA.forEach(id -> assertTrue(Set.of(0, 1).containsAll(partitionsById.get(id)), id));
        idsB.forEach(id -> assertTrue(Set.of(2, 3).containsAll(partitionsById.get(id)), id));
    }

    /** Every answer is complete and right: "w0 w1 …" with as many words as max_tokens asked for. */
    private static Set<String> answeredIds(List<CompletableFuture<HttpResponse<String>>> calls) {
        Set<String> ids = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.join();
            assertEquals(200, response.statusCode(), response.body());
            JsonNode body = Api.json(response.body());
            int maxTokens = system.pipeline.requests.get(body.get("id").asText()).getMaxTokens();
            StringBuilder expected = new StringBuilder();
            for (int t = 0; t < maxTokens; t++) {
                expected.append("w").append(t).append(' ');
            }
            assertEquals(expected.toString(), body.get("choices").get(0).get("text").asText());
            ids.add(body.get("id").asText());
        }
        return ids;
    }

    @Test
    void redeliveredEventsAreDroppedStreamingOrNot() {
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"max_tokens\":5}";
        HttpResponse<String> whole = Api.post(system.gatewayA, "/v1/completions", body, Map.of("X-Request-Id", "dup-" + System.nanoTime()));
        assertEquals("w0 w1 w2 w3 w4 ", Api.json(whole.body()).get("choices").get(0).get("text").asText());
        assertEquals(5, Api.json(whole.body()).get("usage").get("completion_tokens").asInt());

        Api.Stream stream = Api.stream(system.gatewayA, "/v1/completions", body.replace("}", ",\"stream\":true}"),
                Map.of("X-Request-Id", "dup-" + System.nanoTime()));
        StringBuilder text = new StringBuilder();
        long finishes = 0;
        for (JsonNode chunk : stream.chunks()) {
            text.append(chunk.get("choices").get(0).get("text").asText());
            finishes += chunk.get("choices").get(0).get("finish_reason").isNull() ? 0 : 1;
        }
        assertEquals("w0 w1 w2 w3 w4 ", text.toString());
        assertEquals(1, finishes);
        assertEquals(1, stream.data().stream().filter("[DONE]"::equals).count());
    }

    private Map<String, Set<Integer>> replyPartitionsById() {
        Properties p = new Properties();
        p.put("bootstrap.servers", system.bootstrapServers);
        Map<String, Set<Integer>> partitions = new HashMap<>();
        try (KafkaConsumer<String, TokenEvent> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new TokenEventDeserializer())) {
            List<TopicPartition> all = new ArrayList<>();
            for (int i = 0; i < BatonTopic.REPLIES.defaultPartitions(); i++) {
                all.add(new TopicPartition(BatonTopic.REPLIES.topicName(), i));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> ends = consumer.endOffsets(all);
            while (all.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, TokenEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    partitions.computeIfAbsent(record.key(), k -> new HashSet<>()).add(record.partition());
                }
            }
        }
        return partitions;
    }
}
