package dev.baton.replay;

import dev.baton.proto.InferenceRequest;
import dev.baton.proto.ReplayMode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;

/**
 * Resume: the logged requests in range whose answer has no terminal event (an outage cut them off) are published again
 * as they were, under their own id, to their own reply partition, marked {@code REPLAY_MODE_RESUME}. The pipeline
 * regenerates them from index 0 (the same tokens, by determinism); the gateway that owns the partition, and
 * GET /v1/requests/{id}, drop the indices already delivered and so see each answer complete.
 */
final class ResumeRun {
    private ResumeRun() {
    }

    /** Resumes and reports; returns the number of requests that were already finished (nothing to do). */
    static int run(Broker broker, ReplayOptions options, RequestLogReader.Read read, String runId, Report report) {
        Map<String, Answer> recorded = RecordedAnswers.read(broker, read.requests());
        List<LoggedRequest> unfinished = read.requests().stream()
                .filter(logged -> !recorded.get(logged.id()).finished()).toList();
        Set<TopicPartition> replyPartitions = unfinished.stream().map(LoggedRequest::replyPartition)
                .collect(Collectors.toSet());
        for (TopicPartition tp : replyPartitions) {
            if (tp.partition() < 0 || tp.partition() >= broker.partitions(tp.topic())) {
                throw new ReplayFailure("a request to resume names reply partition " + tp + ", which does not exist");
            }
        }
        List<Redrive.Job> jobs = unfinished.stream().map(logged -> new Redrive.Job(logged, again(logged, runId)))
                .toList();
        if (!jobs.isEmpty()) {
            broker.requirePipelines(options.pipelineGroup());
            try (Redrive redrive = new Redrive(broker, replyPartitions, options.concurrency(),
                    options.timeout())) {
                redrive.run(jobs, outcome -> {
                    LoggedRequest logged = outcome.job().source();
                    report.resumed(logged, outcome,
                            Verdict.compare(recorded.get(logged.id()), outcome.answer(), outcome.problem()));
                });
            }
        }
        return read.requests().size() - unfinished.size();
    }

    static InferenceRequest again(LoggedRequest logged, String runId) {
        return logged.request().toBuilder()
                .setReplay(logged.replayedBy(runId, ReplayMode.REPLAY_MODE_RESUME))
                .build();
    }
}
