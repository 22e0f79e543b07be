package dev.baton.worker.app;

import dev.baton.worker.runtime.StageRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Readiness and liveness of the stage, at {@code /q/health/ready} and {@code /q/health/live}. */
public final class StageHealth {
    private StageHealth() {
    }

    private static HealthCheckResponse answer(String name, StageRuntime runtime, String problem) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(name).status(problem == null);
        if (runtime != null) {
            response.withData("stage", runtime.slice().stageIndex())
                    .withData("layers", runtime.slice().range().toString());
        }
        if (problem != null) {
            response.withData("reason", problem);
        }
        return response.build();
    }

    /**
     * Ready when the model slice is loaded, baton.control is read, and the next stage is reachable, serves the same
     * model file and starts where this stage ends (stage 0: the whole pipeline is connected and it consumes).
     */
    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        private final WorkerLifecycle lifecycle;

        public Ready(WorkerLifecycle lifecycle) {
            this.lifecycle = lifecycle;
        }

        @Override
        public HealthCheckResponse call() {
            StageRuntime runtime = lifecycle.runtime();
            return answer("baton-stage", runtime, runtime == null ? "starting" : runtime.readinessProblem());
        }
    }

    /** Live unless stage 0's scheduler died or a Kafka send failed for good (restart to re-read the requests). */
    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {
        private final WorkerLifecycle lifecycle;

        public Live(WorkerLifecycle lifecycle) {
            this.lifecycle = lifecycle;
        }

        @Override
        public HealthCheckResponse call() {
            StageRuntime runtime = lifecycle.runtime();
            return answer("baton-stage", runtime, runtime == null ? null : runtime.livenessProblem());
        }
    }
}
