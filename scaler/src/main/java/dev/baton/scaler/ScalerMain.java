package dev.baton.scaler;

import dev.baton.scaler.drain.HttpPipelineDrain;
import dev.baton.scaler.kubernetes.StageSets;
import dev.baton.scaler.lag.RequestLag;
import dev.baton.scaler.scaling.PipelineCountDecider;
import dev.baton.scaler.scaling.PipelineScaler;
import dev.baton.scaler.scaling.ScalerMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * The scaler process: serves {@code /healthz} and {@code /metrics}, competes for the Lease, and while it leads runs a
 * scaling round every interval. Started by the scaler Deployment (k8s/base/scaler.yaml).
 */
public final class ScalerMain {
    private static final Logger LOG = Logger.getLogger(ScalerMain.class.getName());

    private ScalerMain() {
    }

    public static void main(String[] args) throws Exception {
        ScalerSettings settings;
        try {
            settings = ScalerSettings.read(ScalerSettings::fromSystem);
        } catch (IllegalArgumentException e) {
            System.err.println("baton-scaler: " + e.getMessage());
            System.exit(2);
            return;
        }
        ScalerMetrics metrics = new ScalerMetrics();
        try (KubernetesClient client = new KubernetesClientBuilder().build();
             RequestLag lag = new RequestLag(settings.bootstrapServers(), settings.requestTopic(),
                     settings.consumerGroup(), Duration.ofSeconds(10));
             ScalerEndpoints endpoints = ScalerEndpoints.start(settings.port(), metrics)) {
            StageSets stages = new StageSets(client, settings.namespace(), settings.stageSelector());
            HttpPipelineDrain drain = new HttpPipelineDrain(
                    ordinal -> stages.drainEndpoint(stages.read(), ordinal), Duration.ofSeconds(5),
                    settings.adminToken());
            PipelineScaler scaler = new PipelineScaler(lag::read, stages, drain,
                    new PipelineCountDecider(settings.policy()), settings.drainTimeout(), metrics,
                    Clock.systemUTC());
            LeadingLoop loop = new LeadingLoop(client, settings, scaler, metrics);
            Runtime.getRuntime().addShutdownHook(new Thread(loop::stop, "baton-scaler-shutdown"));
            LOG.info("baton-scaler " + settings.identity() + " in namespace " + settings.namespace() + ": stages "
                    + settings.stageSelector() + ", group " + settings.consumerGroup() + " on "
                    + settings.requestTopic() + ", " + settings.policy());
            loop.run();
        }
    }
}
