package dev.baton.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Two gateways side by side, streaming at the same time: each client gets exactly its own answer, and every reply
 * event of a request travelled on a baton.replies partition its own gateway owns.
 */
class EachGatewayReceivesItsOwnRepliesIT {
    private static final int MAX_TOKENS = 20;
    private static final String[] PROMPTS = {"The sun was", "Tom had a red ball", "Lily saw a bird", "Once there was a frog"};
    private final BatonSystem system = BatonSystem.get();

    @Test
    void concurrentStreamsOnTwoGatewaysGetTheirOwnAnswers() throws Exception {
        Map<String, String> expected = new HashMap<>();
        for (String prompt : PROMPTS) {
            expected.put(prompt, system.generate(prompt, MAX_TOKENS).get("text").asText());
        }
        record Answer(int gateway, String prompt, String id, String text) {
        }
        List<Future<Answer>> answers = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 2; round++) {
                for (int gateway = 0; gateway < BatonSystem.GATEWAYS; gateway++) {
                    for (String prompt : PROMPTS) {
                        int g = gateway;
                        answers.add(clients.submit(() -> {
                            OpenAIClient client = Clients.openAi(system.gatewayUrl(g));
                            StringBuilder text = new StringBuilder();
                            Set<String> ids = new HashSet<>();
                            try (StreamResponse<Completion> stream = client.completions().createStreaming(
                                    CompletionCreateParams.builder().model(system.modelName).prompt(prompt)
                                            .maxTokens(MAX_TOKENS).temperature(0.0).build())) {
                                stream.stream().forEach(chunk -> {
                                    ids.add(chunk.id());
                                    chunk.choices().forEach(choice -> text.append(choice.text()));
                                });
                            }
                            assertEquals(1, ids.size(), "one id per stream");
                            return new Answer(g, prompt, ids.iterator().next(), text.toString());
                        }));
                    }
                }
            }
        }

        Map<String, Integer> gatewayOfRequest = new HashMap<>();
        for (Future<Answer> future : answers) {
            Answer answer = future.get();
            assertEquals(expected.get(answer.prompt()), answer.text(), "gateway " + answer.gateway() + ", " + answer.prompt());
            gatewayOfRequest.put(answer.id(), answer.gateway());
        }
        assertEquals(answers.size(), gatewayOfRequest.size(), "distinct request ids");

        Map<String, Set<Integer>> partitionsOfRequest = replyPartitionsOf(gatewayOfRequest.keySet());
        gatewayOfRequest.forEach((id, gateway) -> {
            Set<Integer> seen = partitionsOfRequest.getOrDefault(id, Set.of());
            assertTrue(!seen.isEmpty(), "reply events of " + id + " in the log");
            assertTrue(system.replyPartitionsOf(gateway).containsAll(seen),
                    id + " was served by gateway " + gateway + " but its replies were on partitions " + seen);
        });
    }

    /** Reads baton.replies from the start: which partitions carried events of each request. */
    private Map<String, Set<Integer>> replyPartitionsOf(Set<String> ids) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrapServers());
        Map<String, Set<Integer>> partitions = new HashMap<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> all = consumer.partitionsFor("baton.replies").stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> end = consumer.endOffsets(all);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (all.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> event : consumer.poll(Duration.ofMillis(200))) {
                    if (ids.contains(event.key())) {
                        partitions.computeIfAbsent(event.key(), k -> new HashSet<>()).add(event.partition());
                    }
                }
            }
        }
        return partitions;
    }
}
