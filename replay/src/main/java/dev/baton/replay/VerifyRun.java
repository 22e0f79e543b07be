package dev.baton.replay;

import dev.baton.kafka.BatonTopic;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.ReplayMode;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Verify and compare: every logged request in range runs again as a copy under a new id ({@code replay-<run>-<original id>}),
 * answering to baton.replay.replies so that no gateway sees it, and its answer is compared with the recorded one.
 * The copy is the logged record unchanged otherwise, schema version included: the version decides what an absent
 * seed means, and a copy without a seed draws with the one derived from the original id (ReplayInfo says which).
 */
final class VerifyRun {
    private VerifyRun() {
    }

    /** Runs the copies and reports each. */
    static void run(Broker broker, ReplayOptions options, RequestLogReader.Read read, String runId, Report report) {
        String repliesTopic = BatonTopic.REPLAY_REPLIES.topicName();
        int replyPartitions = broker.partitions(repliesTopic);
        // several runs may share the topic; spreading them over its partitions keeps each one's scan short
        TopicPartition replies = new TopicPartition(repliesTopic, Math.floorMod(runId.hashCode(), replyPartitions));
        broker.requirePipelines(options.pipelineGroup());
        Map<String, Answer> recorded = RecordedAnswers.read(broker, read.requests());
        List<Redrive.Job> jobs = read.requests().stream()
                .map(logged -> new Redrive.Job(logged, copy(logged, runId, replies, options))).toList();
        try (Redrive redrive = new Redrive(broker, List.of(replies), options.concurrency(),
                options.timeout())) {
            redrive.run(jobs, outcome -> {
                LoggedRequest logged = outcome.job().source();
                Verdict verdict = Verdict.compare(recorded.get(logged.id()), outcome.answer(), outcome.problem());
                report.verified(logged, outcome.job().publish().getRequestId(), verdict, outcome.elapsedMs());
            });
        }
    }

    static InferenceRequest copy(LoggedRequest logged, String runId, TopicPartition replies, ReplayOptions options) {
        InferenceRequest.Builder copy = logged.request().toBuilder();
        if (options.model() != null) {
            copy.setModel(options.model());
        }
        ReplayMode mode = options.mode() == ReplayOptions.Mode.COMPARE ? ReplayMode.REPLAY_MODE_COMPARE
                : ReplayMode.REPLAY_MODE_VERIFY;
        return copy
                .setRequestId("replay-" + runId + "-" + logged.id())
                .setReplyTopic(replies.topic())
                .setReplyPartition(replies.partition())
                .setCreatedAtMs(System.currentTimeMillis())
                .setReplay(logged.replayedBy(runId, mode))
                .build();
    }
}
