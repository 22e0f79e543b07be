package dev.baton.replay;

import dev.baton.kafka.BatonTopic;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.ReplayInfo;
import dev.baton.proto.ReplayMode;
import org.apache.kafka.common.TopicPartition;

/** A request record as the log holds it, with where it was read from. */
record LoggedRequest(InferenceRequest request, String topic, int partition, long offset, long timestampMs) {

    String id() {
        return request.getRequestId();
    }

    /** Where the request's TokenEvents went: the topic it names (default baton.replies) and its reply partition. */
    TopicPartition replyPartition() {
        String replyTopic = request.getReplyTopic().isEmpty() ? BatonTopic.REPLIES.topicName() : request.getReplyTopic();
        return new TopicPartition(replyTopic, request.getReplyPartition());
    }

    /** What a record re-driving this one carries. */
    ReplayInfo replayedBy(String runId, ReplayMode mode) {
        return ReplayInfo.newBuilder().setReplayId(runId).setOriginalRequestId(id()).setSourceTopic(topic)
                .setSourcePartition(partition).setSourceOffset(offset).setMode(mode).build();
    }

    /** "partition@offset", how the report names the record's place in the log. */
    String position() {
        return partition + "@" + offset;
    }
}
