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
import org.jboss.logging.Logger;

/**
 * Whether any pipeline would take a request now: the pipelines' stage 0 members of the consumer group
 * ({@code baton.gateway.pipeline-group}) on baton.requests, looked at every {@code pipeline-check-interval}. A request
 * published while no pipeline listens would wait in the log with its client hanging, so the gateway answers 503
 * instead. An unreachable broker counts as no pipeline.
 */
@ApplicationScoped
public class PipelineWatch {
    private static final Logger LOG = Logger.getLogger(PipelineWatch.class);

    private final GatewayConfig config;
    private final KafkaSettings kafka;
    private ScheduledExecutorService timer;
    private Admin admin;
    private volatile int members = -1;

    PipelineWatch(GatewayConfig config, KafkaSettings kafka) {
        this.config = config;
        this.kafka = kafka;
    }

    void start(@Observes StartupEvent started) {
        Properties p = kafka.base("admin");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        admin = Admin.create(p);
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("baton-pipeline-watch").daemon().factory());
        timer.scheduleWithFixedDelay(this::look, 0, config.pipelineCheckInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True when at least one pipeline was listening at the last look. */
    public boolean available() {
        return members > 0;
    }

    private synchronized void look() {
        int seen;
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(config.pipelineGroup()))
                    .describedGroups().get(config.pipelineGroup()).get(3, TimeUnit.SECONDS);
            seen = group.members().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            seen = 0;
            LOG.debugf("cannot describe group %s: %s", config.pipelineGroup(), e.getMessage());
        }
        if (seen != members) {
            LOG.infof("pipelines listening in group %s: %d", config.pipelineGroup(), seen);
        }
        members = seen;
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
