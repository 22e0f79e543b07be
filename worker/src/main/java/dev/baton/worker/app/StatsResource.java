package dev.baton.worker.app;

import dev.baton.worker.runtime.StageRuntime;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * {@code GET /stats}: the stage's counters as JSON (admitted, completed, running and the largest step batch seen, KV
 * bytes in use, step compute time and the hop to the next stage as p50/p99), see worker/README.md.
 */
@Path("/stats")
public class StatsResource {
    private final WorkerLifecycle lifecycle;

    public StatsResource(WorkerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> stats() {
        StageRuntime runtime = lifecycle.runtime();
        if (runtime == null) {
            throw new WebApplicationException("the stage is still starting", Response.Status.SERVICE_UNAVAILABLE);
        }
        return runtime.describe();
    }
}
