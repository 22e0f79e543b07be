package dev.baton.worker.runtime;

import dev.baton.worker.config.WorkerConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;

/**
 * A {@link WorkerConfig} from a map of {@code baton.worker.*} keys, with the defaults and the duration syntax
 * ({@code 10s}) Quarkus applies.
 */
public final class WorkerConfigs {
    private WorkerConfigs() {
    }

    public static WorkerConfig of(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(WorkerConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return config.getConfigMapping(WorkerConfig.class);
    }
}
