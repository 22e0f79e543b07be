package dev.baton.worker.config;

import dev.baton.kafka.ConsumerGroups;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The worker's interface: which model, which slice of it, where the next stage is, and how much it may hold.
 * Every key is documented in worker/README.md; set them as {@code -Dbaton.worker.stage=1}, environment variables
 * ({@code BATON_WORKER_STAGE=1}) or in application.properties. Kafka is reached at {@code kafka.bootstrap.servers}.
 */
@ConfigMapping(prefix = "baton.worker")
public interface WorkerConfig {

    /** The GGUF model file. Every stage of a pipeline must load the same file (checked by digest). */
    Path model();

    /**
     * The model name requests must carry in {@code InferenceRequest.model}; others finish with UNKNOWN_MODEL.
     * Default: the model file's name without {@code .gguf}.
     */
    Optional<String> modelName();

    /** This stage's index in its pipeline, 0-based. Stage 0 consumes requests; the last stage samples. */
    @WithDefault("0")
    int stage();

    /** How many stages the pipeline has. */
    @WithDefault("1")
    int stages();

    /**
     * This stage's transformer blocks as {@code from-to}, half-open ({@code 0-6} = blocks 0 to 5). Default: the
     * model's blocks split over {@link #stages()} so that each stage streams about the same weights per step, the
     * last stage's output head included ({@code BalancedSplit}); for equal blocks and a small head that is the even
     * split, earlier stages taking the remainder.
     */
    Optional<String> layers();

    /**
     * {@code host:port} of the next stage's gRPC endpoint; required on every stage but the last. {@code {ordinal}}
     * in it stands for this pod's ordinal ({@link #podName()}), so every pod of a StatefulSet finds the pod of the
     * next stage's StatefulSet with the same ordinal: {@code stage-1-{ordinal}.stage-1:8080}.
     */
    Optional<String> next();

    /**
     * This process's pod name when it runs in a StatefulSet ({@code stage-0-3}: ordinal 3, i.e. pipeline 3), set from
     * the Downward API. Only needed when {@link #next()} contains {@code {ordinal}}.
     */
    Optional<String> podName();

    /** Sequences running at once (the continuous batch), and so segments per step. */
    @WithDefault("16")
    int maxBatch();

    /** Positions per sequence (prompt + generated). Default: the model's context length, at most 4096. */
    OptionalInt maxContext();

    /** Positions the KV cache holds over all sequences. Default: max-batch × max-context. */
    OptionalLong kvCacheTokens();

    /** KV cache storage type: {@code f16}, {@code bf16} or {@code f32}. */
    @WithDefault("f16")
    String kvType();

    /** Compute threads of this stage. Default: the available processors. */
    OptionalInt threads();

    /** Most prompt tokens of one sequence in one step (chunked prefill). */
    @WithDefault("64")
    int prefillChunk();

    /** Most rows (decode tokens plus prefill chunk tokens) in one step; at least max-batch. */
    @WithDefault("256")
    int maxStepTokens();

    /** Steps stage 0 keeps in flight. Default: the stage count, so that every stage has work at once. */
    OptionalInt microBatches();

    /** How activations travel to the next stage: {@code f32} (exact) or {@code bf16} (half the bytes). */
    @WithDefault("f32")
    String activations();

    /** The consumer group of stage 0 on baton.requests: all pipelines serving the model share it. */
    @WithDefault(ConsumerGroups.PIPELINES)
    String consumerGroup();

    /**
     * Static group membership ({@code group.instance.id}), e.g. the pod name of a StatefulSet: a restart within the
     * session timeout keeps the partitions instead of rebalancing. Default: dynamic membership.
     */
    Optional<String> instanceId();

    /**
     * How long the producer of the token events waits for more events to send in one request ({@code linger.ms},
     * whole milliseconds). {@code 0} (default) sends each event as soon as it is sampled; then one step's events
     * usually go out in two or three produce requests per reply partition, as the producer's sender thread wakes on
     * the first. 1 ms lets them share one (about 5 events per batch instead of 3.5 at max-batch 32 over 4 partitions),
     * at up to 1 ms on every token's delivery; on stories260K at C=32 that did not change the CPU spent per token
     * measurably (docs/benchmarks.md, Gateway, "Token events per produce request").
     */
    @WithDefault("0ms")
    Duration replyLinger();

    /** On shutdown, how long stage 0 lets running requests finish before handing the rest back uncommitted. */
    @WithDefault("10s")
    Duration shutdownGrace();

    /** How far back in baton.control a starting stage reads, so a cancel just before its start still counts. */
    @WithDefault("5m")
    Duration cancelLookback();

    /**
     * The bearer token that {@code POST} and {@code DELETE /drain} require ({@code Authorization: Bearer <token>}),
     * e.g. {@code openssl rand -hex 32}. Unset: anything that reaches the HTTP port may drain the stage. Reads
     * ({@code GET /drain}, {@code /stats}, {@code /metrics}, health) never need it.
     */
    Optional<String> adminToken();

    /** What the stage runs before it reports ready, so that the first requests run as fast as later ones. */
    Warmup warmup();

    /**
     * The warm-up before a stage reports ready: page in the mapped weights of its range, then run throwaway steps of
     * a few batch shapes so the JIT compiles the kernels. It ends after {@link #steps()} steps or {@link #time()},
     * whichever comes first.
     */
    interface Warmup {
        /** {@code false} (or {@code off}) skips it: the first requests then pay for compilation and page faults. */
        @WithDefault("true")
        boolean enabled();

        /** Most throwaway steps, over all shapes (one prefill chunk, decode at batch 1, half and max-batch). */
        @WithDefault("300")
        int steps();

        /**
         * Longest time the steps may take (paging the weights in comes first and is not limited by it). The first
         * steps run interpreted and are by far the slowest; on a busy machine the first alone can take seconds.
         */
        @WithDefault("5s")
        Duration time();
    }
}
