package dev.baton.worker.runtime;

import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.model.ActivationEncoding;
import dev.baton.engine.model.LocalPipeline;
import dev.baton.engine.model.Logits;
import dev.baton.engine.model.StepBatch;
import dev.baton.engine.model.StepCapacity;
import dev.baton.engine.sampling.SampledToken;
import dev.baton.engine.sampling.Sampler;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.engine.sampling.TokenHistory;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import dev.baton.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the engine alone generates for a request: the whole model as one layer range in this process, one sequence,
 * the prompt prefilled in one step, then one token per step through the sampler, until an end-of-generation token
 * (not part of the output), max tokens or the context. The pipeline must produce exactly these ids.
 */
public final class EngineReference implements AutoCloseable {
    private final GgufFile file;
    private final ComputePool pool;
    private final LocalPipeline pipeline;
    private final Tokenizer tokenizer;
    private final int maxContext;

    public EngineReference(Path model, int maxContext) {
        try {
            this.file = GgufFile.open(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.pool = new ComputePool(1);
        this.maxContext = maxContext;
        this.pipeline = LocalPipeline.load(file, new LocalPipeline.Options(1, ActivationEncoding.F32, GgmlType.F16,
                maxContext, 1, new StepCapacity(maxContext, 1)), pool);
        this.tokenizer = Tokenizer.fromGguf(file.metadata());
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The prompt's ids as the gateway would send them (BOS as the vocabulary wants). */
    public int[] prompt(String text) {
        return tokenizer.encode(text, true, false);
    }

    public List<Integer> generate(int[] prompt, SamplingParams params, int maxTokens, boolean ignoreEos) {
        List<Integer> out = new ArrayList<>();
        Sampler sampler = new Sampler(pipeline.config().vocabSize());
        TokenHistory history = new TokenHistory(prompt);
        StepBatch batch = pipeline.capacity().newBatch();
        batch.add(0, 0, prompt, 0, prompt.length, true);
        try {
            Logits logits = pipeline.step(batch);
            for (int index = 0; ; index++) {
                SampledToken token = sampler.sample(logits.values(), logits.offset(0), params, index, history);
                if (!ignoreEos && tokenizer.vocabulary().isEndOfGeneration(token.id())) {
                    return out;
                }
                out.add(token.id());
                history.append(token.id());
                if (out.size() == maxTokens || prompt.length + out.size() > maxContext) {
                    return out;
                }
                batch.clear().add(0, prompt.length + index, token.id());
                logits = pipeline.step(batch);
            }
        } finally {
            pipeline.release(0);
        }
    }

    @Override
    public void close() {
        pipeline.close();
        pool.close();
        file.close();
    }
}
