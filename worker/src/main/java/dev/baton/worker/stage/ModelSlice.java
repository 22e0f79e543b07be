package dev.baton.worker.stage;

import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufTensorInfo;
import dev.baton.engine.model.ActivationEncoding;
import dev.baton.engine.model.KvCacheConfig;
import dev.baton.engine.model.LayerRange;
import dev.baton.engine.model.LlamaConfig;
import dev.baton.engine.model.LlamaStage;
import dev.baton.engine.model.RangeWeights;
import dev.baton.engine.model.StepCapacity;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import dev.baton.engine.tokenizer.Tokenizer;
import dev.baton.proto.ModelIdentity;
import dev.baton.proto.StageDescription;
import dev.baton.proto.StageLayers;
import dev.baton.worker.config.WorkerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The part of the model this stage computes: its layer range mapped from the GGUF file, the KV cache for it, and, on
 * the last stage, the tokenizer that turns sampled ids into text. Also what the stage tells its neighbours about
 * itself (model identity, layers, capacity). Built once at startup from {@link WorkerConfig}.
 */
public final class ModelSlice implements AutoCloseable {
    /** Default cap on the context when the configuration does not set one (the model's own may be far larger). */
    public static final int DEFAULT_MAX_CONTEXT_CAP = 4096;

    private final GgufFile file;
    private final ComputePool pool;
    private final LlamaStage stage;
    private final Tokenizer tokenizer;
    private final StageDescription description;
    private final String modelName;
    private final int stageIndex;
    private final int stageCount;
    private final int maxBatch;
    private final ActivationEncoding encoding;

    private ModelSlice(GgufFile file, ComputePool pool, LlamaStage stage, Tokenizer tokenizer,
                       StageDescription description, String modelName, int stageIndex, int stageCount,
                       int maxBatch, ActivationEncoding encoding) {
        this.file = file;
        this.pool = pool;
        this.stage = stage;
        this.tokenizer = tokenizer;
        this.description = description;
        this.modelName = modelName;
        this.stageIndex = stageIndex;
        this.stageCount = stageCount;
        this.maxBatch = maxBatch;
        this.encoding = encoding;
    }

    /**
     * Opens the model file and maps this stage's layers.
     *
     * @throws IllegalArgumentException for a configuration that cannot work (message names the key)
     */
    public static ModelSlice load(WorkerConfig config) {
        int stages = config.stages();
        int index = config.stage();
        require(stages >= 1, "baton.worker.stages must be at least 1, got " + stages);
        require(index >= 0 && index < stages, "baton.worker.stage must be in [0, " + stages + "), got " + index);
        require(config.maxBatch() >= 1, "baton.worker.max-batch must be at least 1, got " + config.maxBatch());
        require(config.maxStepTokens() >= config.maxBatch(), "baton.worker.max-step-tokens ("
                + config.maxStepTokens() + ") must be at least baton.worker.max-batch (" + config.maxBatch() + ")");
        require(config.prefillChunk() >= 1, "baton.worker.prefill-chunk must be at least 1");
        Duration linger = config.replyLinger();
        require(!linger.isNegative() && linger.toNanos() % 1_000_000 == 0,
                "baton.worker.reply-linger must be whole milliseconds, not negative (Kafka's linger.ms), got " + linger);
        if (index < stages - 1) {
            require(config.next().filter(n -> !n.isBlank()).isPresent(),
                    "baton.worker.next (host:port of stage " + (index + 1) + ") is required on stage " + index);
        }
        ActivationEncoding encoding = ActivationEncoding.parse(config.activations());
        GgmlType kvType = kvType(config.kvType());
        Path path = config.model();
        require(Files.isRegularFile(path), "baton.worker.model: no such file " + path);

        GgufFile file = null;
        ComputePool pool = null;
        try {
            file = GgufFile.open(path);
            LlamaConfig model = LlamaConfig.from(file);
            LayerRange range = layerRange(config, file, model);
            int maxContext = config.maxContext().orElse(Math.min(model.contextLength(), DEFAULT_MAX_CONTEXT_CAP));
            require(maxContext >= 2, "baton.worker.max-context must be at least 2, got " + maxContext);
            long kvTokens = config.kvCacheTokens().orElse((long) config.maxBatch() * maxContext);
            require(kvTokens >= maxContext, "baton.worker.kv-cache-tokens (" + kvTokens
                    + ") must hold at least one sequence of baton.worker.max-context (" + maxContext + ")");
            KvCacheConfig kv = KvCacheConfig.forPositions(model, range, kvType, maxContext, kvTokens);
            pool = new ComputePool(config.threads().orElse(Runtime.getRuntime().availableProcessors()));
            StepCapacity capacity = new StepCapacity(config.maxStepTokens(), config.maxBatch());
            LlamaStage stage = new LlamaStage(RangeWeights.load(file, model, range), kv, capacity, pool);
            Tokenizer tokenizer = range.isLast(model) ? Tokenizer.fromGguf(file.metadata()) : null;
            String name = config.modelName().filter(n -> !n.isBlank()).orElse(defaultModelName(path));
            StageDescription description = StageDescription.newBuilder()
                    .setModel(identity(file, path))
                    .setLayers(StageLayers.newBuilder().setFrom(range.from()).setTo(range.to()))
                    .setLayerCount(model.layers())
                    .setStageIndex(index)
                    .setStageCount(stages)
                    .setDim(model.dim())
                    .setMaxBatch(config.maxBatch())
                    .setMaxContext(maxContext)
                    .setKvCacheTokens(kvTokens)
                    .setMaxStepTokens(config.maxStepTokens())
                    .build();
            return new ModelSlice(file, pool, stage, tokenizer, description, name, index, stages, config.maxBatch(),
                    encoding);
        } catch (IOException e) {
            closeQuietly(file, pool);
            throw new UncheckedIOException("cannot read model " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(file, pool);
            throw e;
        }
    }

    /** The configured range, or this stage's share of the {@link BalancedSplit}. */
    static LayerRange layerRange(WorkerConfig config, GgufFile file, LlamaConfig model) {
        LayerRange range;
        if (config.layers().filter(l -> !l.isBlank()).isPresent()) {
            String text = config.layers().get().trim();
            String[] parts = text.split("-");
            require(parts.length == 2, "baton.worker.layers must be from-to (e.g. 0-6), got '" + text + "'");
            try {
                range = new LayerRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("baton.worker.layers must be from-to (e.g. 0-6), got '" + text
                        + "'");
            }
            require(range.to() <= model.layers(), "baton.worker.layers " + range + " reaches past the model's "
                    + model.layers() + " blocks");
        } else {
            require(config.stages() <= model.layers(), "cannot split the model's " + model.layers()
                    + " blocks over " + config.stages() + " stages (baton.worker.stages)");
            range = BalancedSplit.of(file, model, config.stages()).get(config.stage());
        }
        boolean first = config.stage() == 0;
        boolean last = config.stage() == config.stages() - 1;
        require(first == range.isFirst(), "stage " + config.stage() + (first ? " must" : " must not")
                + " start at block 0, but baton.worker.layers is " + range);
        require(last == range.isLast(model), "stage " + config.stage() + (last ? " must" : " must not")
                + " end at the model's last block " + model.layers() + ", but baton.worker.layers is " + range);
        return range;
    }

    private static GgmlType kvType(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "f16" -> GgmlType.F16;
            case "bf16" -> GgmlType.BF16;
            case "f32" -> GgmlType.F32;
            default -> throw new IllegalArgumentException("baton.worker.kv-type must be f16, bf16 or f32, got '"
                    + text + "'");
        };
    }

    /**
     * Name, size and a SHA-256 of the header and tensor table (everything before the tensor data): two files with
     * the same digest describe the same tensors at the same offsets, which is what adjacent stages must agree on.
     */
    private static ModelIdentity identity(GgufFile file, Path path) throws IOException {
        long headerBytes = file.dataOffset();
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        try (var channel = java.nio.channels.FileChannel.open(path)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(1 << 20, headerBytes));
            long position = 0;
            while (position < headerBytes) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), headerBytes - position));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    break;
                }
                sha.update(buffer.flip());
                position += n;
            }
        }
        String name = file.metadata().optString("general.name").orElse(defaultModelName(path));
        return ModelIdentity.newBuilder().setName(name).setFileSize(Files.size(path))
                .setDigest(HexFormat.of().formatHex(sha.digest())).build();
    }

    private static String defaultModelName(Path path) {
        String name = path.getFileName().toString();
        return name.toLowerCase(Locale.ROOT).endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void closeQuietly(GgufFile file, ComputePool pool) {
        if (pool != null) {
            pool.close();
        }
        if (file != null) {
            file.close();
        }
    }

    public LlamaStage stage() {
        return stage;
    }

    public LlamaConfig model() {
        return stage.config();
    }

    public LayerRange range() {
        return stage.range();
    }

    /** The tokenizer, last stage only (null elsewhere). */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The name requests must carry. */
    public String modelName() {
        return modelName;
    }

    public int stageIndex() {
        return stageIndex;
    }

    public int stageCount() {
        return stageCount;
    }

    public boolean isFirst() {
        return stageIndex == 0;
    }

    public boolean isLast() {
        return stageIndex == stageCount - 1;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public int maxContext() {
        return stage.cache().maxContext();
    }

    public ActivationEncoding encoding() {
        return encoding;
    }

    /**
     * Reads every page of this range's tensors once, so the first steps do not wait for the operating system to fetch
     * the mapped weights from disk (the page cache may drop them again under memory pressure, as for any mapping).
     *
     * @return the bytes paged in
     */
    public long pageInWeights() {
        long bytes = 0;
        for (GgufTensorInfo tensor : file.tensors()) {
            if (usedByThisRange(tensor.name())) {
                MemorySegment data = file.tensorData(tensor);
                if (data.isMapped()) {
                    data.load();
                }
                bytes += data.byteSize();
            }
        }
        return bytes;
    }

    private boolean usedByThisRange(String tensor) {
        if (tensor.startsWith("blk.")) {
            int end = tensor.indexOf('.', 4);
            try {
                int block = Integer.parseInt(tensor.substring(4, end < 0 ? tensor.length() : end));
                return block >= range().from() && block < range().to();
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return switch (tensor) {
            case "token_embd.weight" -> isFirst() || (isLast() && file.tensor("output.weight").isEmpty());
            case "output.weight", "output_norm.weight" -> isLast();
            case "rope_freqs.weight" -> true;
            default -> false;
        };
    }

    /** How this stage describes itself to its neighbours; {@code ready} as given. */
    public StageDescription describe(boolean ready) {
        return description.toBuilder().setReady(ready).build();
    }

    @Override
    public void close() {
        stage.close();
        pool.close();
        file.close();
    }
}
