package dev.baton.scaler.lag;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The pipelines' consumer lag on the request topic, read with the Kafka Admin client: per partition, the end offset
 * minus the group's committed offset. Stage 0 commits a request only once it finished, so the lag counts the
 * requests running as well as those waiting. A partition the group never committed counts from its first retained
 * offset, where a new group starts reading ({@code auto.offset.reset=earliest}).
 */
public final class RequestLag implements AutoCloseable {
    private final Admin admin;
    private final String topic;
    private final String group;
    private final Duration timeout;

    /** The lag summed over the topic's partitions, and how many partitions it has. */
    public record Reading(long lag, int partitions) {
    }

    public RequestLag(String bootstrapServers, String topic, String group, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "baton-scaler");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        this.admin = Admin.create(p);
        this.topic = topic;
        this.group = group;
        this.timeout = timeout;
    }

    /**
     * Reads the lag now.
     *
     * @throws IllegalStateException when Kafka does not answer in time or the topic does not exist
     */
    public Reading read() {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (TopicPartitionInfo partition : description.partitions()) {
                latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest());
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(latest);
            Map<TopicPartition, OffsetSpec> neverCommitted = new HashMap<>();
            for (TopicPartition partition : latest.keySet()) {
                if (committed.get(partition) == null) {
                    neverCommitted.put(partition, OffsetSpec.earliest());
                }
            }
            Map<TopicPartition, ListOffsetsResultInfo> starts = neverCommitted.isEmpty() ? Map.of()
                    : offsets(neverCommitted);
            long lag = 0;
            for (TopicPartition partition : latest.keySet()) {
                OffsetAndMetadata done = committed.get(partition);
                long from = done != null ? done.offset() : starts.get(partition).offset();
                lag += Math.max(0, ends.get(partition).offset() - from);
            }
            return new Reading(lag, description.partitions().size());
        } catch (ExecutionException e) {
            throw new IllegalStateException("reading the lag of group " + group + " on " + topic + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the lag", e);
        }
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(Map<TopicPartition, OffsetSpec> specs)
            throws ExecutionException, InterruptedException, TimeoutException {
        return admin.listOffsets(specs).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
