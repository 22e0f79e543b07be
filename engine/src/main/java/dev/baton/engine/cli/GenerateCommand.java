package dev.baton.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.model.ActivationEncoding;
import dev.baton.engine.model.Generator;
import dev.baton.engine.model.LlamaConfig;
import dev.baton.engine.model.LocalPipeline;
import dev.baton.engine.model.StepCapacity;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import dev.baton.engine.tokenizer.StreamingDecoder;
import dev.baton.engine.tokenizer.Tokenizer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code baton generate --model M (--prompt TEXT | --prompt-ids 1,2,3)}: runs the model in this process (as
 * {@code --split K} layer ranges, activations serialized between them) and streams the generated text, or prints one
 * JSON object with {@code --json}.
 */
final class GenerateCommand implements CliCommand {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> KV_TYPES = List.of("f16", "f32", "bf16");

    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String usage() {
        return "generate --model M (--prompt TEXT | --prompt-ids 1,2,3) [--max-tokens N] [--temperature T]"
                + " [--top-p P] [--top-k K] [--min-p P] [--repeat-penalty R] [--seed S] [--threads N] [--split K]"
                + " [--activations f32|bf16] [--kv-type f16|f32|bf16] [--max-context N] [--chunk N] [--json]";
    }

    @Override
    public Set<String> valueFlags() {
        return Set.of("model", "prompt", "prompt-ids", "max-tokens", "temperature", "top-p", "top-k", "min-p",
                "repeat-penalty", "seed", "threads", "split", "activations", "kv-type", "max-context", "chunk");
    }

    @Override
    public Set<String> switches() {
        return Set.of("json");
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws Exception {
        Path modelPath = Path.of(args.required("model"));
        if (args.has("prompt") == args.has("prompt-ids")) {
            throw new CliUsageException("give exactly one of --prompt and --prompt-ids");
        }
        int maxTokens = args.intValue("max-tokens", 256);
        if (maxTokens < 0) {
            throw new CliUsageException("--max-tokens must not be negative, got " + maxTokens);
        }
        SamplingParams sampling = samplingParams(args);
        int threads = threads(args);
        int split = args.intValue("split", 1);
        int chunk = args.intValue("chunk", 128);
        if (chunk < 1) {
            throw new CliUsageException("--chunk must be positive, got " + chunk);
        }
        ActivationEncoding encoding = ActivationEncoding.parse(args.choice("activations", "f32", List.of("f32",
                "bf16")));
        GgmlType kvType = kvType(args);
        boolean json = args.has("json");

        try (GgufFile file = GgufFile.open(modelPath); ComputePool pool = new ComputePool(threads)) {
            LlamaConfig config = LlamaConfig.from(file);
            Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
            int[] prompt = args.has("prompt") ? tokenizer.encode(args.required("prompt"), true, true)
                    : promptIds(args.required("prompt-ids"), config.vocabSize());
            if (prompt.length == 0) {
                throw new CliUsageException("the prompt encodes to no tokens");
            }
            int maxContext = args.intValue("max-context",
                    Math.min(config.contextLength(), prompt.length + Math.max(maxTokens, 1)));
            if (maxContext <= prompt.length) {
                throw new IllegalArgumentException("the prompt has " + prompt.length + " tokens; the maximum context"
                        + " is " + maxContext);
            }
            if (split < 1 || split > config.layers()) {
                throw new CliUsageException("--split must be between 1 and the model's " + config.layers()
                        + " layers, got " + split);
            }
            LocalPipeline.Options options = new LocalPipeline.Options(split, encoding, kvType, maxContext, 1,
                    new StepCapacity(chunk, 1));
            try (LocalPipeline pipeline = LocalPipeline.load(file, options, pool)) {
                Generator generator = new Generator(pipeline, tokenizer.vocabulary()::isEndOfGeneration, chunk);
                StreamingDecoder decoder = tokenizer.streamingDecoder(prompt[prompt.length - 1]);
                StringBuilder text = new StringBuilder();
                Generator.Result result = generator.generate(new Generator.Request(prompt, sampling, maxTokens,
                        (index, id) -> {
                            String piece = decoder.feed(id);
                            text.append(piece);
                            if (!json) {
                                out.print(piece);
                                out.flush();
                            }
                        }));
                String tail = decoder.flush();
                text.append(tail);
                if (json) {
                    ObjectNode o = JSON.createObjectNode();
                    Arrays.stream(result.promptIds()).forEach(o.putArray("prompt_ids")::add);
                    Arrays.stream(result.tokenIds()).forEach(o.putArray("token_ids")::add);
                    o.put("text", text.toString());
                    o.put("finish_reason", result.finishReason().jsonName());
                    o.put("prefill_tps", round(result.prefillTokensPerSecond()));
                    o.put("decode_tps", round(result.decodeTokensPerSecond()));
                    out.println(JSON.writeValueAsString(o));
                } else {
                    out.println(tail);
                    out.flush();
                    err.printf(Locale.ROOT, "[%d prompt tokens, %d generated (%s); prefill %.1f tokens/s, decode %.1f"
                                    + " tokens/s]%n", prompt.length, result.tokenIds().length,
                            result.finishReason().jsonName(), result.prefillTokensPerSecond(),
                            result.decodeTokensPerSecond());
                }
            }
        }
        return 0;
    }

    /** llama.cpp's defaults (temperature 0.8, top-k 40, top-p 0.95, min-p 0.05), seed 0; temperature 0 = greedy. */
    static SamplingParams samplingParams(CliArgs args) {
        try {
            return new SamplingParams(args.floatValue("temperature", 0.8f), args.intValue("top-k", 40),
                    args.floatValue("top-p", 0.95f), args.floatValue("min-p", 0.05f),
                    args.floatValue("repeat-penalty", 1f), 0f, 0f, 64, args.longValue("seed", 0), -1);
        } catch (IllegalArgumentException e) {
            throw new CliUsageException(e.getMessage());
        }
    }

    static int threads(CliArgs args) {
        int threads = args.intValue("threads", Runtime.getRuntime().availableProcessors());
        if (threads < 1) {
            throw new CliUsageException("--threads must be positive, got " + threads);
        }
        return threads;
    }

    static GgmlType kvType(CliArgs args) {
        return GgmlType.valueOf(args.choice("kv-type", "f16", KV_TYPES).toUpperCase(Locale.ROOT));
    }

    private static int[] promptIds(String list, int vocab) {
        String[] parts = list.split(",", -1);
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new CliUsageException("--prompt-ids needs comma-separated integers, got '" + parts[i] + "'");
            }
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new CliUsageException("prompt id " + ids[i] + " is outside the vocabulary of " + vocab);
            }
        }
        return ids;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
