package dev.baton.scaler;

import dev.baton.scaler.scaling.PipelineScaler;
import dev.baton.scaler.scaling.ScalerMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Leader election on a Lease (fabric8's LeaderElector): of all scaler replicas only the holder scales, so two never
 * drain or resize at once. While leading, a scaling round runs every interval on one thread; on losing the lease the
 * rounds stop and the replica competes again. Stopping releases the lease, so another replica takes over at once.
 */
public final class LeadingLoop {
    private static final Logger LOG = Logger.getLogger(LeadingLoop.class.getName());

    private final KubernetesClient client;
    private final ScalerSettings settings;
    private final PipelineScaler scaler;
    private final ScalerMetrics metrics;
    private volatile boolean stopped;
    private volatile Future<?> election;
    private ScheduledExecutorService rounds;

    public LeadingLoop(KubernetesClient client, ScalerSettings settings, PipelineScaler scaler, ScalerMetrics metrics) {
        this.client = client;
        this.settings = settings;
        this.scaler = scaler;
        this.metrics = metrics;
    }

    /** Competes for the lease until {@link #stop()}; leads whenever it holds it. Blocks. */
    public void run() {
        while (!stopped) {
            Future<?> running = client.leaderElector().withConfig(config()).build().start();
            election = running;
            if (stopped) {
                running.cancel(true);
            }
            try {
                running.get();
            } catch (CancellationException e) {
                // stopped
            } catch (ExecutionException e) {
                LOG.log(Level.WARNING, "leader election failed; competing again", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            sleep(settings.retryPeriod().toMillis());
        }
    }

    /** Stops leading and competing; releases the lease if held. */
    public void stop() {
        stopped = true;
        Future<?> running = election;
        if (running != null) {
            running.cancel(true);
        }
        stopRounds();
    }

    private LeaderElectionConfig config() {
        return new LeaderElectionConfigBuilder()
                .withName(settings.lease())
                .withLock(new LeaseLock(settings.namespace(), settings.lease(), settings.identity()))
                .withLeaseDuration(settings.leaseDuration())
                .withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::startRounds, this::stopRounds,
                        leader -> LOG.info("scaler leader: " + leader)))
                .build();
    }

    private synchronized void startRounds() {
        LOG.info(settings.identity() + " leads: scaling every " + settings.interval());
        metrics.leader.set(1);
        rounds = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "baton-scaler-rounds"));
        rounds.execute(() -> guarded("taking over", scaler::takeOver));
        rounds.scheduleWithFixedDelay(() -> guarded("scaling round", scaler::round), 0,
                settings.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void stopRounds() {
        if (rounds != null) {
            LOG.info(settings.identity() + " no longer leads");
            rounds.shutdownNow();
            try {
                rounds.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            rounds = null;
        }
        metrics.leader.set(0);
    }

    private void guarded(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            metrics.failedRounds.incrementAndGet();
            LOG.warning(what + " failed (next round retries): " + e.getMessage());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
