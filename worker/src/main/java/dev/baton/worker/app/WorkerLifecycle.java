package dev.baton.worker.app;

import dev.baton.worker.config.WorkerConfig;
import dev.baton.worker.runtime.StageRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Starts this process's stage when Quarkus starts (a configuration that cannot work stops the start with its reason),
 * exports its metrics, and stops it gracefully on shutdown.
 */
@ApplicationScoped
public class WorkerLifecycle {
    private final WorkerConfig config;
    private final String bootstrapServers;
    private final MeterRegistry metrics;
    private volatile StageRuntime runtime;

    public WorkerLifecycle(WorkerConfig config,
                           @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                           MeterRegistry metrics) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.metrics = metrics;
    }

    void onStart(@Observes StartupEvent event) {
        runtime = StageRuntime.start(config, bootstrapServers);
        StageMetrics.bind(metrics, runtime);
    }

    void onStop(@Observes ShutdownEvent event) {
        StageRuntime stopping = runtime;
        if (stopping != null) {
            stopping.close();
        }
    }

    /** The running stage, or null before it has started. */
    public StageRuntime runtime() {
        return runtime;
    }
}
