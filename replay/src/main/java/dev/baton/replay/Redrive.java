package dev.baton.replay;

import dev.baton.kafka.BatonTopic;
import dev.baton.proto.Control;
import dev.baton.proto.ControlKind;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.RecordSchema;
import dev.baton.proto.TokenEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Publishes requests to baton.requests (where the pipelines consume, whichever log they were read from), at most {@code concurrency} unanswered at a time, and collects each one's
 * events from the reply partitions it names until its terminal event. The reply partitions are read from their end
 * as it was before the first publish, so only events of this run's publishing count. A request that stays silent for
 * {@code timeout} is cancelled on baton.control (so no pipeline keeps working on it) and reported as failed.
 */
final class Redrive implements AutoCloseable {
    /** One request to publish, and the logged request it stands for. */
    record Job(LoggedRequest source, InferenceRequest publish) {
    }

    /** A job's answer; {@code problem} says why it is incomplete, null when its terminal event arrived. */
    record Outcome(Job job, Answer answer, String problem, long elapsedMs) {
    }

    private static final Duration POLL = Duration.ofMillis(100);

    private final int concurrency;
    private final Duration timeout;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> replies;
    /** Read by {@link #cancelInFlight} from a shutdown hook while the run goes on. */
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();

    private static final class InFlight {
        final Job job;
        final Answer answer = new Answer();
        final long startedNanos = System.nanoTime();
        long lastHeardNanos = startedNanos;

        InFlight(Job job) {
            this.job = job;
        }
    }

    Redrive(Broker broker, Collection<TopicPartition> replyPartitions, int concurrency, Duration timeout) {
        this.concurrency = concurrency;
        this.timeout = timeout;
        this.producer = broker.producer();
        this.replies = broker.consumer();
        replies.assign(replyPartitions);
        replies.seekToEnd(replyPartitions);
        replyPartitions.forEach(replies::position); // fix the start now, before anything is published
    }

    /**
     * Runs every job; {@code done} gets each outcome as it completes (on this thread). Interrupted (Ctrl-C), it cancels
     * what it still has in flight, so that no pipeline keeps generating for nobody.
     */
    void run(List<Job> jobs, Consumer<Outcome> done) {
        Thread cancelOnExit = new Thread(this::cancelInFlight, "replay-cancel");
        Runtime.getRuntime().addShutdownHook(cancelOnExit);
        try {
            runAll(jobs, done);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cancelOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it does the cancelling
            }
        }
    }

    private void runAll(List<Job> jobs, Consumer<Outcome> done) {
        Deque<Job> waiting = new ArrayDeque<>(jobs);
        while (!waiting.isEmpty() || !inFlight.isEmpty()) {
            while (inFlight.size() < concurrency && !waiting.isEmpty()) {
                Job job = waiting.poll();
                String problem = publish(job.publish());
                if (problem == null) {
                    inFlight.put(job.publish().getRequestId(), new InFlight(job));
                } else {
                    done.accept(new Outcome(job, new Answer(), problem, 0));
                }
            }
            for (ConsumerRecord<byte[], byte[]> record : replies.poll(POLL)) {
                InFlight f = record.key() == null ? null
                        : inFlight.get(new String(record.key(), StandardCharsets.UTF_8));
                TokenEvent event = f == null ? null : RecordedAnswers.parse(record.value());
                if (event != null) {
                    f.answer.accept(event);
                    f.lastHeardNanos = System.nanoTime();
                    if (f.answer.finished()) {
                        inFlight.remove(event.getRequestId());
                        done.accept(new Outcome(f.job, f.answer, null, elapsedMs(f)));
                    }
                }
            }
            expireSilent(done);
        }
    }

    private void expireSilent(Consumer<Outcome> done) {
        long now = System.nanoTime();
        var it = inFlight.entrySet().iterator();
        while (it.hasNext()) {
            InFlight f = it.next().getValue();
            if (now - f.lastHeardNanos > timeout.toNanos()) {
                it.remove();
                String cancelled = cancel(f.job.publish().getRequestId(), "replay timeout");
                done.accept(new Outcome(f.job, f.answer, "no reply for " + timeout.toSeconds() + " s after "
                        + f.answer.events().size() + " events (is a pipeline serving model '"
                        + f.job.publish().getModel() + "'?)" + (cancelled == null ? "; cancelled" : "; " + cancelled),
                        elapsedMs(f)));
            }
        }
    }

    private void cancelInFlight() {
        for (String id : List.copyOf(inFlight.keySet())) {
            cancel(id, "replay interrupted");
        }
        producer.flush();
    }

    private String publish(InferenceRequest request) {
        try {
            producer.send(new ProducerRecord<>(BatonTopic.REQUESTS.topicName(),
                    request.getRequestId().getBytes(StandardCharsets.UTF_8), request.toByteArray()))
                    .get(60, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return "could not publish to " + BatonTopic.REQUESTS.topicName() + ": " + Broker.rootMessage(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while publishing";
        }
    }

    /** Null when the cancel was sent; otherwise why not. */
    private String cancel(String requestId, String reason) {
        Control control = Control.newBuilder().setSchemaVersion(RecordSchema.CURRENT_VERSION)
                .setKind(ControlKind.CONTROL_KIND_CANCEL).setRequestId(requestId).setReason(reason)
                .setCreatedAtMs(System.currentTimeMillis()).build();
        try {
            producer.send(new ProducerRecord<>(BatonTopic.CONTROL.topicName(),
                    requestId.getBytes(StandardCharsets.UTF_8), control.toByteArray()));
            return null;
        } catch (RuntimeException e) {
            return "the cancel could not be sent: " + Broker.rootMessage(e);
        }
    }

    private static long elapsedMs(InFlight f) {
        return (System.nanoTime() - f.startedNanos) / 1_000_000;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        replies.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
}
