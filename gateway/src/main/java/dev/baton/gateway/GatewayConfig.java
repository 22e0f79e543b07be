package dev.baton.gateway;

import dev.baton.kafka.ConsumerGroups;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's own keys, {@code baton.gateway.*} (all listed in gateway/README.md). Kafka is reached at
 * {@code kafka.bootstrap.servers}, the tokenizer service at {@code quarkus.grpc.clients.tokenizer.host/port}.
 */
@ConfigMapping(prefix = "baton.gateway")
public interface GatewayConfig {

    /**
     * The model name clients send and the pipelines serve ({@code InferenceRequest.model}). Default: the name the
     * tokenizer service reports. It must equal the workers' {@code baton.worker.model-name}.
     */
    Optional<String> modelName();

    /**
     * Accepted bearer keys; when set, every /v1 and tokenizer call needs {@code Authorization: Bearer <key>}.
     * Unset (the default) = no authentication, for local use.
     */
    Optional<List<String>> apiKeys();

    /**
     * The reply partitions this instance owns and consumes, e.g. {@code 0,1}; {@code all} = every partition of
     * baton.replies. Instances running side by side must own disjoint sets.
     */
    @WithDefault("all")
    String replyPartitions();

    /**
     * Over how many of the owned partitions new requests' replies are spread, in turn. 1 (the default) names the
     * first owned partition for every request: one pipeline step's token events for this instance then share one
     * record batch, where spread over four partitions they made four or more, each costing the worker's producer,
     * the broker and this consumer a batch's and a partition's work. More spreads the reply traffic over brokers.
     */
    @WithDefault("1")
    int replySpread();

    /** Requests this instance serves at once; more are answered 429. */
    @WithDefault("256")
    int maxInFlight();

    /** Largest request body in bytes; larger ones are answered 413. */
    @WithDefault("4194304")
    int maxBodyBytes();

    /** Longest silence from the pipeline before a request is given up (cancelled, answered 504). */
    @WithDefault("300s")
    Duration replyTimeout();

    /** The consumer group of the pipelines' stage 0; without a member there, requests are answered 503. */
    @WithDefault(ConsumerGroups.PIPELINES)
    String pipelineGroup();

    /** How often the pipeline group is looked at. */
    @WithDefault("2s")
    Duration pipelineCheckInterval();

    /** Finished requests kept in memory for GET /v1/requests/{id}; older ones are rebuilt from the reply log. */
    @WithDefault("10000")
    int recentRequests();

    /**
     * How far back GET /v1/requests/{id} searches the logs for a request whose id does not carry its creation time
     * (client-chosen ids).
     */
    @WithDefault("1h")
    Duration statusLookback();

    /** Deadline of each tokenizer call. */
    @WithDefault("10s")
    Duration tokenizerTimeout();

    /**
     * Connections to the tokenizer service, each bound to one of the gateway's event loops (calls made on a loop use
     * its own). Default: one per event loop. Fewer leaves the remaining loops taking the connections in turn.
     */
    Optional<Integer> tokenizerChannels();
}
