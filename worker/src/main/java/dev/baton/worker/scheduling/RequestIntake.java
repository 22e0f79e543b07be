package dev.baton.worker.scheduling;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.baton.kafka.BatonTopic;
import dev.baton.kafka.RequestTrace;
import dev.baton.proto.ErrorInfo;
import dev.baton.proto.FinishReason;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.RecordSchema;
import dev.baton.proto.TokenEvent;
import dev.baton.proto.Usage;
import dev.baton.worker.control.CancelledRequests;
import dev.baton.worker.output.DeadLetters;
import dev.baton.worker.output.ReplyPublisher;
import dev.baton.worker.stats.StageStats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Stage 0's side of {@code baton.requests}, with the plain Kafka consumer (not SmallRye Reactive Messaging): the
 * scheduler must pause and resume partitions as its running set fills and empties, commit each partition only up to
 * its lowest unfinished request (requests finish out of order), and drop exactly the revoked partitions' requests in
 * the middle of a rebalance; a channel with its own acknowledgement and back-pressure strategy would stand between it
 * and all three.
 *
 * <p>Records are read into a backlog of at most one poll ({@code max.poll.records} = max-batch): while it is not
 * empty, or while the scheduler does not accept work, every partition is paused, so nothing is dropped and nothing
 * piles up. Each record is then admitted (when there is room), or finished at once: undeserializable records go to
 * the dead-letter topic; refused requests go there too and, when their reply address is valid, get an error
 * {@link TokenEvent} so the waiting client hears the reason; requests cancelled before they ran get a CANCELLED
 * event. Those offsets count as finished once the broker has acknowledged what was sent. Everything runs on the
 * scheduler thread; producer acknowledgements come back through {@code post}.
 */
final class RequestIntake implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RequestIntake.class);
    private static final long COMMIT_INTERVAL_NANOS = 200_000_000L;

    /** What the intake needs from the scheduler. */
    interface Admission {
        /** Starts the request if the running set has room; false leaves it queued. */
        boolean offer(InferenceRequest request, TopicPartition partition, long offset);

        /** Whether a request with this id runs now (a duplicate waits until it is done). */
        boolean isRunning(String requestId);

        /** Drops the requests of partitions this member no longer owns, without finishing them. */
        void handBack(Collection<TopicPartition> partitions);
    }

    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final RequestCheck check;
    private final ReplyPublisher replies;
    private final DeadLetters deadLetters;
    private final CancelledRequests cancelled;
    private final StageStats stats;
    private final Consumer<Runnable> post;
    private final OffsetLedger ledger = new OffsetLedger();
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> backlog = new ArrayDeque<>();
    /** Inside {@link #pollUntilWoken}, outside the rebalance callbacks: a wake-up may end the poll. */
    private volatile boolean wakeable;
    private Admission admission;
    private long lastCommitNanos;
    private volatile boolean subscribed;

    RequestIntake(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, RequestCheck check,
                  ReplyPublisher replies, DeadLetters deadLetters, CancelledRequests cancelled, StageStats stats,
                  Consumer<Runnable> post) {
        this.consumer = consumer;
        this.check = check;
        this.replies = replies;
        this.deadLetters = deadLetters;
        this.cancelled = cancelled;
        this.stats = stats;
        this.post = post;
    }

    void start(Admission admission) {
        this.admission = admission;
        consumer.subscribe(List.of(BatonTopic.REQUESTS.topicName()), rebalanceListener);
        subscribed = true;
    }

    private final ConsumerRebalanceListener rebalanceListener = new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            wakeable = false; // the final commit below must not be cut short by a step's result
            if (!partitions.isEmpty()) {
                commitFinal(partitions);
                dropPartitions(partitions);
                LOG.infof("partitions revoked: %s (their unfinished requests go back to the log)", partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                dropPartitions(partitions);
                LOG.warnf("partitions lost: %s (their unfinished requests go back to the log)", partitions);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                LOG.infof("partitions assigned: %s", partitions);
            }
        }
    };

    boolean subscribed() {
        return subscribed;
    }

    /**
     * Leaves the consumer group (a drained pipeline): what is finished is committed, the partitions go to the other
     * pipelines, and records read but not admitted are dropped uncommitted, so their new owner reads them again.
     * With static membership ({@code group.instance.id}) the classic protocol sends no leave request: the partitions
     * move only after the session timeout.
     */
    void leave() {
        if (!subscribed) {
            return;
        }
        try {
            consumer.unsubscribe(); // the rebalance listener commits and drops the revoked partitions
        } catch (KafkaException e) {
            LOG.warnf("leaving the group failed (the session timeout will move the partitions): %s", e.toString());
        }
        subscribed = false;
    }

    /** Joins the group again after {@link #leave()}. */
    void rejoin() {
        if (!subscribed) {
            consumer.subscribe(List.of(BatonTopic.REQUESTS.topicName()), rebalanceListener);
            subscribed = true;
        }
    }

    /** Nothing but queued records is unfinished: no event this stage sent is still waiting for the broker. */
    boolean onlyQueuedPending() {
        return ledger.pendingCount() == backlog.size();
    }

    private void dropPartitions(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = new HashSet<>(partitions);
        backlog.removeIf(r -> gone.contains(new TopicPartition(r.topic(), r.partition())));
        admission.handBack(gone);
        gone.forEach(ledger::forget);
    }

    /**
     * Reads what is available (waiting up to {@code timeout}), unless the backlog is not empty or the scheduler does
     * not accept work: then the partitions stay paused and the poll only keeps this member in its group.
     */
    void poll(Duration timeout, boolean accepting) {
        if (!subscribed) {
            return; // drained: the consumer has no subscription to poll
        }
        boolean pause = !accepting || !backlog.isEmpty();
        try {
            if (pause) {
                if (consumer.paused().isEmpty() && !consumer.assignment().isEmpty()) {
                    stats.pauses.incrementAndGet();
                }
                consumer.pause(consumer.assignment());
            } else if (!consumer.paused().isEmpty()) {
                consumer.resume(consumer.paused());
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
                ledger.track(new TopicPartition(record.topic(), record.partition()), record.offset());
                backlog.add(record);
                if (record.key() != null) { // the gateway keys requests by their id
                    RequestTrace.mark(new String(record.key(), StandardCharsets.UTF_8), "stage0-polled");
                }
            }
            stats.maxBacklog.accumulateAndGet(backlog.size(), Math::max);
        } catch (WakeupException e) {
            // the scheduler has an event to run: the wait is over, nothing was lost
        } catch (KafkaException e) {
            LOG.errorf("polling %s failed: %s", BatonTopic.REQUESTS.topicName(), e.toString());
            sleepQuietly(500);
        }
    }

    /**
     * Waits up to {@code timeout} for requests, like {@link #poll}, unless {@link #wakeUp} ends the wait first: stage
     * 0 waits here for records and step results at once, so that a request published while steps are in flight is
     * read as soon as the broker hands it over. Set-then-check: a wake-up that came before the wait began is seen in
     * {@code woken}, one that comes during it ends the poll.
     */
    void pollUntilWoken(Duration timeout, boolean accepting, BooleanSupplier woken) {
        wakeable = true;
        try {
            poll(woken.getAsBoolean() ? Duration.ZERO : timeout, accepting);
        } finally {
            wakeable = false;
        }
    }

    /** Ends a {@link #pollUntilWoken} wait in progress (from any thread); does nothing when none is. */
    void wakeUp() {
        if (wakeable) {
            consumer.wakeup();
        }
    }

    /** Admits queued requests in order while the running set has room; finishes the ones that cannot run. */
    void admitQueued() {
        while (!backlog.isEmpty()) {
            ConsumerRecord<byte[], byte[]> record = backlog.peekFirst();
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            InferenceRequest request;
            try {
                if (record.value() == null) {
                    throw new InvalidProtocolBufferException("the record has no value");
                }
                request = InferenceRequest.parseFrom(record.value());
            } catch (InvalidProtocolBufferException e) {
                backlog.pollFirst();
                deadLetter(record, partition, "UNDESERIALIZABLE", "not an InferenceRequest: " + e.getMessage(), null);
                continue;
            }
            RequestCheck.Refusal refusal = check.check(request);
            if (refusal != null) {
                backlog.pollFirst();
                deadLetter(record, partition, refusal.code().name(), refusal.message(),
                        refusal.routable() ? request : null);
                continue;
            }
            if (cancelled.contains(request.getRequestId())) {
                backlog.pollFirst();
                stats.cancelled.incrementAndGet();
                replies.publish(request, terminal(request, FinishReason.FINISH_REASON_CANCELLED, null),
                        () -> post.accept(() -> finish(partition, record.offset())));
                continue;
            }
            if (admission.isRunning(request.getRequestId())
                    || !admission.offer(request, partition, record.offset())) {
                return;
            }
            backlog.pollFirst();
        }
    }

    /**
     * Sends the record to the dead-letter topic and, when {@code client} is given, an error event to that request's
     * client; the offset is finished when both are acknowledged.
     */
    private void deadLetter(ConsumerRecord<byte[], byte[]> record, TopicPartition partition, String code,
                            String reason, InferenceRequest client) {
        LOG.warnf("request record %s@%d refused (%s): %s", partition, record.offset(), code, reason);
        stats.deadLettered.incrementAndGet();
        AtomicInteger outstanding = new AtomicInteger(client == null ? 1 : 2);
        Runnable acked = () -> {
            if (outstanding.decrementAndGet() == 0) {
                post.accept(() -> finish(partition, record.offset()));
            }
        };
        deadLetters.send(record, code, reason, acked);
        if (client != null) {
            stats.failed.incrementAndGet();
            ErrorInfo error = ErrorInfo.newBuilder().setCode(dev.baton.proto.ErrorCode.valueOf(code))
                    .setMessage(reason).build();
            replies.publish(client, terminal(client, FinishReason.FINISH_REASON_ERROR, error), acked);
        }
    }

    private static TokenEvent terminal(InferenceRequest request, FinishReason reason, ErrorInfo error) {
        TokenEvent.Builder event = TokenEvent.newBuilder().setSchemaVersion(RecordSchema.CURRENT_VERSION)
                .setRequestId(request.getRequestId()).setIndex(0).setFinishReason(reason)
                .setCreatedAtMs(System.currentTimeMillis())
                .setUsage(Usage.newBuilder().setPromptTokens(request.getPromptTokenIdsCount()));
        if (error != null) {
            event.setError(error);
        }
        return event.build();
    }

    private void finish(TopicPartition partition, long offset) {
        ledger.complete(partition, offset);
        stats.completed.incrementAndGet();
    }

    /** The request at this offset is done: its terminal event is acknowledged. */
    void complete(TopicPartition partition, long offset) {
        ledger.complete(partition, offset);
    }

    /** Commits how far each partition is finished, at most every 200 ms. */
    void commit() {
        long now = System.nanoTime();
        if (now - lastCommitNanos < COMMIT_INTERVAL_NANOS) {
            return;
        }
        lastCommitNanos = now;
        Map<TopicPartition, OffsetAndMetadata> due = ledger.commitsDue();
        if (due.isEmpty()) {
            return;
        }
        try {
            consumer.commitAsync(due, (offsets, error) -> {
                if (error == null) {
                    ledger.markCommitted(offsets);
                } else {
                    LOG.debugf("commit of %s failed (retried with the next one): %s", offsets, error.toString());
                }
            });
        } catch (KafkaException e) {
            LOG.warnf("commit failed: %s", e.toString());
        }
    }

    /** Synchronously commits the given partitions as far as they are finished (before giving them up). */
    private void commitFinal(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> positions = ledger.commitPositions(partitions);
        if (positions.isEmpty()) {
            return;
        }
        try {
            commitSync(positions);
            ledger.markCommitted(positions);
        } catch (KafkaException e) {
            LOG.warnf("final commit of %s failed (those requests will be read again): %s", positions, e.toString());
        }
    }

    /**
     * A wake-up that was on its way when {@code wakeable} was cleared may still be pending here; the first try spends
     * it.
     */
    private void commitSync(Map<TopicPartition, OffsetAndMetadata> positions) {
        try {
            consumer.commitSync(positions, Duration.ofSeconds(5));
        } catch (WakeupException e) {
            consumer.commitSync(positions, Duration.ofSeconds(5));
        }
    }

    /** Requests read but not finished: queued, running, or waiting for their terminal event. */
    int pending() {
        return ledger.pendingCount();
    }

    /** Commits what is finished, leaves the group (its partitions move to other pipelines) and closes. */
    @Override
    public void close() {
        try {
            commitFinal(consumer.assignment());
        } catch (KafkaException e) {
            LOG.warnf("final commit failed: %s", e.toString());
        }
        try {
            consumer.close();
        } catch (KafkaException e) {
            LOG.warnf("closing the request consumer failed: %s", e.toString());
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
