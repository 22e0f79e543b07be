package dev.baton.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No quadratic corner: merging does O(n) queue work whatever the input, and encoding 1 MB of hostile text (no spaces,
 * one endless word, endless whitespace) takes about ten times as long as 100 KB, not a hundred.
 */
class EncodingScalesLinearlyTest {
    /** Generous: linear is 10x, n log n about 12x, quadratic 100x; the machine is shared and noisy. */
    private static final double MAX_RATIO = 25;

    @Test
    void mergingQueuesAtMostThreePairsPerSymbol() {
        // one symbol "a" (id 0); "a"+"a" -> 1, "1"+"1" -> 2, ... a tower of merges over a million symbols
        int levels = 20;
        IntPairMap pairs = new IntPairMap(levels);
        int[] results = new int[levels];
        float[] priorities = new float[levels];
        for (int i = 0; i < levels; i++) {
            pairs.putIfAbsent(i, i, i);
            results[i] = i + 1;
            priorities[i] = -i;
        }
        int n = 1 << 20;
        int[] sym = new int[n];
        int[] len = new int[n];
        Arrays.fill(len, 1);
        int pushes = PairMerger.merge(new MergeRules(pairs, results, priorities), sym, len, n);
        assertEquals(n, len[0], "everything merged into one symbol");
        assertEquals(levels, sym[0]);
        assertTrue(pushes <= 3 * n, "queue work " + pushes + " for " + n + " symbols");
    }

    @Test
    void hostileInputsScaleLinearly() {
        record Case(String vocab, String unit) {
        }
        List<Case> cases = List.of(
                new Case("llama-spm", "a"),             // one SentencePiece piece, no cut possible
                new Case("gpt-2", "a"),                 // one endless word
                new Case("gpt-2", " "),                 // endless whitespace
                new Case("deepseek-llm", " \u3000"),    // whitespace runs through every deepseek pattern
                new Case("mpt", "  x"));                // user-defined whitespace tokens everywhere
        for (Case c : cases) {
            Tokenizer tokenizer = LlamaCppVectors.tokenizer(c.vocab());
            String small = c.unit().repeat(100_000 / c.unit().length());
            String large = c.unit().repeat(1_000_000 / c.unit().length());
            tokenizer.encode(small, false, false); // warm up
            double ratio = (double) bestCpuNanos(tokenizer, large, 2) / bestCpuNanos(tokenizer, small, 3);
            assertTrue(ratio < MAX_RATIO, c + ": 1 MB took " + ratio + "x as long as 100 KB");
        }
    }

    /** This thread's CPU time, so that other processes on the shared machine do not count. */
    private static long bestCpuNanos(Tokenizer tokenizer, String text, int runs) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long start = threads.getCurrentThreadCpuTime();
            tokenizer.encode(text, false, false);
            best = Math.min(best, threads.getCurrentThreadCpuTime() - start);
        }
        return best;
    }
}
