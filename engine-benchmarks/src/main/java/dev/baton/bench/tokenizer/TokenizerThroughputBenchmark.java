package dev.baton.bench.tokenizer;

import dev.baton.engine.tokenizer.StreamingDecoder;
import dev.baton.engine.tokenizer.Tokenizer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encode and decode throughput, one thread, over 4 MB of English-like prose cut into documents of about 2 KB (the size
 * of a prompt). One JMH operation is one byte of text, so the score in ops/us reads as MB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(TokenizerThroughputBenchmark.TEXT_BYTES)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TokenizerThroughputBenchmark {
    static final int TEXT_BYTES = 4_000_000;
    private static final int DOCUMENT_BYTES = 2_000;
    private static final long SEED = 42;

    /** A SentencePiece vocabulary (Llama 2) and a byte-level BPE one (GPT-2). */
    @Param({"llama-spm", "gpt-2"})
    public String vocab;

    private Tokenizer tokenizer;
    private String[] documents;
    private int[][] ids;

    @Setup
    public void encodeOnceAndCheckRoundTrip() {
        tokenizer = LlamaCppVocabularies.load(vocab);
        documents = documents().toArray(String[]::new);
        ids = new int[documents.length][];
        for (int i = 0; i < documents.length; i++) {
            ids[i] = tokenizer.encode(documents[i], false, false);
            if (!tokenizer.decode(ids[i]).equals(documents[i])) {
                throw new IllegalStateException(vocab + ": document " + i + " does not round-trip");
            }
        }
    }

    /** The benchmark's text, the same in every run. */
    static List<String> documents() {
        return EnglishLikeText.documents(SEED, TEXT_BYTES, DOCUMENT_BYTES);
    }

    @Benchmark
    public void encode(Blackhole sink) {
        for (String document : documents) {
            sink.consume(tokenizer.encode(document, false, false));
        }
    }

    @Benchmark
    public void decode(Blackhole sink) {
        for (int[] document : ids) {
            sink.consume(tokenizer.decode(document));
        }
    }

    /** Token by token, as a generation stream is turned into text. */
    @Benchmark
    public void streamingDecode(Blackhole sink) {
        for (int[] document : ids) {
            StreamingDecoder decoder = tokenizer.streamingDecoder();
            for (int id : document) {
                sink.consume(decoder.feed(id));
            }
            sink.consume(decoder.flush());
        }
    }
}
