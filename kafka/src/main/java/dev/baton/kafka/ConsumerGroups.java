package dev.baton.kafka;

/** The consumer groups whose names other parts must agree on. */
public final class ConsumerGroups {
    /**
     * Stage 0 of every pipeline serving a model reads {@link BatonTopic#REQUESTS} in this group: one member per
     * pipeline. The gateway looks for members here before it accepts requests, the scaler reads its lag, replay waits
     * for it.
     */
    public static final String PIPELINES = "baton-pipelines";

    private ConsumerGroups() {
    }
}
