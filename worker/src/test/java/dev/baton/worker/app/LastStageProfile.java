package dev.baton.worker.app;

import dev.baton.engine.SharedFiles;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The app as the last of two stages on stories260K, one compute thread, no warm-up (tests stay quick). */
public class LastStageProfile implements QuarkusTestProfile {
    static final String MODEL_FILE = "stories260K.gguf";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "baton.worker.model", SharedFiles.model(MODEL_FILE).toString(),
                "baton.worker.stage", "1",
                "baton.worker.stages", "2",
                "baton.worker.threads", "1",
                "baton.worker.warmup.enabled", "false");
    }
}
