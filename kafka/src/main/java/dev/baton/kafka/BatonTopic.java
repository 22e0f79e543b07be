package dev.baton.kafka;

/**
 * The topics Baton reads and writes, with the partition counts a fresh local broker gets. The request topic's
 * partition count bounds how many pipelines can work at once (one consumer-group member per pipeline); the reply
 * topic's bounds how many gateway instances can each own a partition.
 */
public enum BatonTopic {
    /** InferenceRequest records, key = request id; the durable log that replay reads. */
    REQUESTS("baton.requests", 8),
    /** TokenEvent records, key = request id, on the partition the request names. */
    REPLIES("baton.replies", 4),
    /** Control records (cancel); every stage reads every partition. */
    CONTROL("baton.control", 1),
    /** Request records that could not be read or served, unchanged, with the reason in headers. */
    REQUESTS_DLQ("baton.requests.dlq", 1),
    /**
     * TokenEvents of requests that {@code bin/baton replay} re-drives to check them: kept apart from baton.replies so
     * that no gateway sees them. A replay run reads every partition from its end and keeps its own run's events.
     */
    REPLAY_REPLIES("baton.replay.replies", 1);

    private final String topicName;
    private final int defaultPartitions;

    BatonTopic(String topicName, int defaultPartitions) {
        this.topicName = topicName;
        this.defaultPartitions = defaultPartitions;
    }

    public String topicName() {
        return topicName;
    }

    public int defaultPartitions() {
        return defaultPartitions;
    }
}
