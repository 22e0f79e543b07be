package dev.baton.bench.tokenizer;

import dev.baton.engine.tokenizer.Tokenizer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding time of inputs built to defeat the fast paths: no space anywhere, one endless word, endless whitespace.
 * Compare the two sizes: linear work makes 1 MB cost ten times 100 KB; a quadratic corner would make it a hundred.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class HostileInputScalingBenchmark {
    /** Input characters. */
    @Param({"100000", "1000000"})
    public int size;

    /** Which vocabulary and which repeated unit. */
    @Param({"spm-letters", "gpt2-letters", "gpt2-spaces", "deepseek-mixed-spaces", "mpt-space-tokens"})
    public String input;

    private Tokenizer tokenizer;
    private String text;

    @Setup
    public void build() {
        String vocab;
        String unit;
        switch (input) {
            case "spm-letters" -> { // one SentencePiece piece, nowhere to cut
                vocab = "llama-spm";
                unit = "a";
            }
            case "gpt2-letters" -> { // one endless word for the pre-tokenizer and the merger
                vocab = "gpt-2";
                unit = "a";
            }
            case "gpt2-spaces" -> { // the whitespace rule with its look-ahead
                vocab = "gpt-2";
                unit = " ";
            }
            case "deepseek-mixed-spaces" -> { // ASCII and ideographic spaces through every deepseek pattern
                vocab = "deepseek-llm";
                unit = " \u3000";
            }
            case "mpt-space-tokens" -> { // user-defined whitespace tokens, matched in the special-token pass
                vocab = "mpt";
                unit = "  x";
            }
            default -> throw new IllegalArgumentException("unknown input " + input);
        }
        tokenizer = LlamaCppVocabularies.load(vocab);
        text = unit.repeat(size / unit.length());
    }

    @Benchmark
    public int[] encode() {
        return tokenizer.encode(text, false, false);
    }
}
