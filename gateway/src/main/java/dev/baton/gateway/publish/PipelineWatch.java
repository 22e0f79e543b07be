package dev.baton.gateway.publish;

import dev.baton.gateway.GatewayConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;
import org.jboss.logging.Logger;

/**
 * Whether any pipeline would take a request now: the pipelines' stage 0 members of the consumer group
 * ({@code baton.gateway.pipeline-group}) on baton.requests, looked at every {@code pipeline-check-interval}. A request
 * published while no pipeline listens would wait in the log with its client hanging, so the gateway answers 503
 * instead. An unreachable broker counts as no pipeline, and the same look tells readiness whether Kafka answers at all.
 */
@ApplicationScoped
public class PipelineWatch {
    private static final Logger LOG = Logger.getLogger(PipelineWatch.class);
    /** How long one look may take before it counts as Kafka not answering. */
    private static final long LOOK_TIMEOUT_MS = 3000;

    private final GatewayConfig config;
    private final KafkaSettings kafka;
    private ScheduledExecutorService timer;
    private Admin admin;
    private volatile int members = -1;
    private volatile long lastAnsweredNanos;
    private volatile boolean answeredOnce;

    PipelineWatch(GatewayConfig config, KafkaSettings kafka) {
        this.config = config;
        this.kafka = kafka;
    }

    void start(@Observes StartupEvent started) {
        Properties p = kafka.base("admin");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(LOOK_TIMEOUT_MS));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(LOOK_TIMEOUT_MS));
        admin = Admin.create(p);
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("baton-pipeline-watch").daemon().factory());
        timer.scheduleWithFixedDelay(this::look, 0, config.pipelineCheckInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True when at least one pipeline was listening at the last look. */
    public boolean available() {
        return members > 0;
    }

    /**
     * True when Kafka answered a look recently: within two look periods (interval plus timeout), so one slow answer
     * on a loaded machine does not flap readiness, while a broker gone is noticed within seconds.
     */
    public boolean kafkaReachable() {
        long period = TimeUnit.MILLISECONDS.toNanos(config.pipelineCheckInterval().toMillis() + LOOK_TIMEOUT_MS);
        return answeredOnce && System.nanoTime() - lastAnsweredNanos < 2 * period;
    }

    private synchronized void look() {
        int seen;
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(config.pipelineGroup()))
                    .describedGroups().get(config.pipelineGroup()).get(LOOK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            seen = group.members().size();
            kafkaAnswered();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            seen = 0;
            if (e.getCause() instanceof ApiException refusal && !(refusal instanceof RetriableException)) {
                kafkaAnswered(); // a refusal is an answer, e.g. that no pipeline ever joined the group
            }
            LOG.debugf("cannot describe group %s: %s", config.pipelineGroup(), e.getMessage());
        }
        if (seen != members) {
            LOG.infof("pipelines listening in group %s: %d", config.pipelineGroup(), seen);
        }
        members = seen;
    }

    private void kafkaAnswered() {
        lastAnsweredNanos = System.nanoTime();
        answeredOnce = true;
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (admin != null) {
            admin.close();
        }
    }
}
