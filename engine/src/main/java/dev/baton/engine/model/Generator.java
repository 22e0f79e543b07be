package dev.baton.engine.model;

import dev.baton.engine.sampling.Sampler;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.engine.sampling.TokenHistory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Prompt ids in, generated ids out, over a {@link LocalPipeline}: prefill in chunks, then decode one token per step,
 * sampling each token with the {@link Sampler} (token {@code i} of a request is drawn with index {@code i}, so the
 * result does not depend on what else runs), until an end-of-generation token, the token limit or the context limit. Several requests run
 * together: their prompts are prefilled first (chunks packed into steps up to the step capacity), then every running
 * sequence advances by one token per step.
 */
public final class Generator {
    private final LocalPipeline pipeline;
    private final IntPredicate endOfGeneration;
    private final StepBatch batch;
    private final int prefillChunk;
    private final Sampler sampler;

    /**
     * @param endOfGeneration which token ids end a sequence (EOS, EOT); such a token is not part of the output
     * @param prefillChunk    most prompt tokens of one sequence per step
     */
    public Generator(LocalPipeline pipeline, IntPredicate endOfGeneration, int prefillChunk) {
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("prefill chunk must be at least 1, got " + prefillChunk);
        }
        this.pipeline = pipeline;
        this.endOfGeneration = endOfGeneration;
        this.batch = pipeline.capacity().newBatch();
        this.prefillChunk = prefillChunk;
        this.sampler = new Sampler(pipeline.config().vocabSize());
    }

    /** Receives each generated token as soon as it is sampled. */
    @FunctionalInterface
    public interface TokenListener {
        void onToken(int index, int tokenId);
    }

    /** One sequence to generate: its prompt, how to sample, how many tokens at most, who hears about each token. */
    public record Request(int[] promptIds, SamplingParams sampling, int maxTokens, TokenListener listener) {
        public Request {
            if (promptIds.length == 0) {
                throw new IllegalArgumentException("the prompt needs at least one token");
            }
            if (maxTokens < 0) {
                throw new IllegalArgumentException("max tokens must not be negative, got " + maxTokens);
            }
            promptIds = promptIds.clone();
        }

        /** Greedy decoding, nobody listening. */
        public Request(int[] promptIds, int maxTokens) {
            this(promptIds, SamplingParams.greedy(), maxTokens, (index, id) -> {
            });
        }
    }

    /** Why a sequence ended: an end-of-generation token ({@code STOP}) or a token or context limit ({@code LENGTH}). */
    public enum FinishReason {
        STOP, LENGTH;

        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The outcome of a request, with the time spent in prefill steps and in decode steps (summed over all requests
     * that ran together, so throughput figures are aggregates).
     */
    public record Result(int[] promptIds, int[] tokenIds, FinishReason finishReason, int prefillTokens,
                         long prefillNanos, int decodeTokens, long decodeNanos) {

        public double prefillTokensPerSecond() {
            return prefillNanos == 0 ? 0 : prefillTokens * 1e9 / prefillNanos;
        }

        public double decodeTokensPerSecond() {
            return decodeNanos == 0 ? 0 : decodeTokens * 1e9 / decodeNanos;
        }
    }

    /** Generates for one request. */
    public Result generate(Request request) {
        return generateAll(List.of(request)).getFirst();
    }

    /** Generates for several requests at once, batching their steps. */
    public List<Result> generateAll(List<Request> requests) {
        int maxContext = pipeline.stages().getFirst().cache().maxContext();
        if (requests.size() > pipeline.capacity().maxSegments()) {
            throw new IllegalArgumentException(requests.size() + " requests exceed the step capacity of "
                    + pipeline.capacity().maxSegments() + " sequences");
        }
        List<Running> running = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            Request r = requests.get(i);
            if (r.promptIds().length >= maxContext) {
                throw new ContextLengthExceededException("the prompt has " + r.promptIds().length
                        + " tokens; the maximum context is " + maxContext);
            }
            running.add(new Running(i, r, maxContext));
        }
        Clock clock = new Clock();
        try {
            while (anyUnfinished(running)) {
                boolean prefill = fillStep(running);
                long start = System.nanoTime();
                Logits logits = pipeline.step(batch);
                clock.add(prefill, batch.rows(), System.nanoTime() - start);
                for (int s = 0; s < batch.segments(); s++) {
                    if (logits.has(s)) {
                        Running r = running.get((int) batch.sequenceId(s));
                        r.accept(sampler.sample(logits.values(), logits.offset(s), r.request.sampling(), r.count,
                                r.history).id());
                    }
                }
                for (Running r : running) {
                    if (r.done && !r.released) {
                        pipeline.release(r.id);
                        r.released = true;
                    }
                }
            }
        } finally {
            running.forEach(r -> pipeline.release(r.id));
        }
        return running.stream().map(r -> r.result(clock)).toList();
    }

    private static boolean anyUnfinished(List<Running> running) {
        for (Running r : running) {
            if (!r.done) {
                return true;
            }
        }
        return false;
    }

    /** Packs the next step: prompt chunks while any prompt is unfinished, otherwise one token per sequence. */
    private boolean fillStep(List<Running> running) {
        batch.clear();
        int budget = batch.maxTokens();
        for (Running r : running) {
            if (!r.done && r.fed < r.prompt.length && budget > 0) {
                int n = Math.min(Math.min(prefillChunk, budget), r.prompt.length - r.fed);
                batch.add(r.id, r.fed, r.prompt, r.fed, n, r.fed + n == r.prompt.length);
                r.fed += n;
                budget -= n;
            }
        }
        if (batch.segments() > 0) {
            return true;
        }
        for (Running r : running) {
            if (!r.done) {
                batch.add(r.id, r.fed++, r.lastToken);
            }
        }
        return false;
    }

    private final class Running {
        final long id;
        final int[] prompt;
        final Request request;
        final int maxContext;
        final TokenHistory history;
        int[] generated = new int[16];
        int count;
        int fed;
        int lastToken;
        boolean done;
        boolean released;
        FinishReason reason;

        Running(long id, Request request, int maxContext) {
            this.id = id;
            this.request = request;
            this.prompt = request.promptIds();
            this.maxContext = maxContext;
            this.history = new TokenHistory(prompt);
            if (request.maxTokens() == 0) {
                finish(FinishReason.LENGTH);
            }
        }

        void accept(int token) {
            if (endOfGeneration.test(token)) {
                finish(FinishReason.STOP);
                return;
            }
            if (count == generated.length) {
                generated = Arrays.copyOf(generated, count * 2);
            }
            generated[count] = token;
            history.append(token);
            request.listener().onToken(count, token);
            count++;
            lastToken = token;
            // the next decode step stores this token at position `fed`; it must fit the context
            if (count == request.maxTokens() || fed >= maxContext) {
                finish(FinishReason.LENGTH);
            }
        }

        void finish(FinishReason why) {
            done = true;
            reason = why;
        }

        Result result(Clock clock) {
            return new Result(prompt.clone(), Arrays.copyOf(generated, count), reason, clock.prefillTokens,
                    clock.prefillNanos, clock.decodeTokens, clock.decodeNanos);
        }
    }

    private static final class Clock {
        int prefillTokens;
        long prefillNanos;
        int decodeTokens;
        long decodeNanos;

        void add(boolean prefill, int tokens, long nanos) {
            if (prefill) {
                prefillTokens += tokens;
                prefillNanos += nanos;
            } else {
                decodeTokens += tokens;
                decodeNanos += nanos;
            }
        }
    }
}
