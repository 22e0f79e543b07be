package dev.baton.worker.app;

import dev.baton.worker.runtime.StageRuntime;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code /drain} on stage 0: {@code POST} stops taking requests and leaves the consumer group once the running ones
 * are done, {@code DELETE} takes requests again, {@code GET} tells the state ({@code serving}, {@code draining},
 * {@code drained}) and how many requests still run. The scaler drains the highest pipeline before removing it.
 * {@code POST} and {@code DELETE} need the admin token when one is set ({@link AdminToken}); {@code GET} changes
 * nothing and stays open, like {@code /stats} and {@code /metrics}.
 */
@Path("/drain")
@Produces(MediaType.APPLICATION_JSON)
public class DrainResource {
    private final WorkerLifecycle lifecycle;
    private final AdminToken adminToken;

    public DrainResource(WorkerLifecycle lifecycle, AdminToken adminToken) {
        this.lifecycle = lifecycle;
        this.adminToken = adminToken;
    }

    @GET
    public Map<String, Object> state() {
        return describe(runtime());
    }

    @POST
    public Map<String, Object> drain(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return change(authorization, StageRuntime::drain);
    }

    @DELETE
    public Map<String, Object> resume(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return change(authorization, StageRuntime::resume);
    }

    private Map<String, Object> change(String authorization, Consumer<StageRuntime> action) {
        adminToken.refusal(authorization).ifPresent(reason -> {
            throw failure(Response.status(Response.Status.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE,
                    "Bearer realm=\"baton-worker\""), reason);
        });
        StageRuntime runtime = runtime();
        try {
            action.accept(runtime);
        } catch (IllegalStateException e) {
            throw failure(Response.status(Response.Status.CONFLICT), e.getMessage());
        }
        return describe(runtime);
    }

    private StageRuntime runtime() {
        StageRuntime runtime = lifecycle.runtime();
        if (runtime == null) {
            throw failure(Response.status(Response.Status.SERVICE_UNAVAILABLE), "the stage is still starting");
        }
        return runtime;
    }

    private static WebApplicationException failure(Response.ResponseBuilder response, String message) {
        return new WebApplicationException(response.entity(Map.of("error", message)).type(MediaType.APPLICATION_JSON)
                .build());
    }

    private static Map<String, Object> describe(StageRuntime runtime) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", runtime.slice().stageIndex());
        m.put("state", runtime.drainState().name().toLowerCase(Locale.ROOT));
        m.put("running", runtime.stats().running.get());
        return m;
    }
}
