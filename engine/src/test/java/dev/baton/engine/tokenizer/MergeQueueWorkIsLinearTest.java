package dev.baton.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * No quadratic corner in merging: whatever the input, the queue sees at most three pairs per symbol, so a word costs
 * O(n log n). How long hostile inputs take end to end (1 MB against 100 KB with no spaces, endless whitespace ...) is
 * measured by HostileInputScalingBenchmark (bin/baton jmh), not by a timed test.
 */
class MergeQueueWorkIsLinearTest {
    @Test
    void mergingQueuesAtMostThreePairsPerSymbol() {
        // one symbol "a" (id 0); "a"+"a" -> 1, "1"+"1" -> 2, ... a tower of merges over a million symbols
        int levels = 20;
        IntPairMap pairs = new IntPairMap(levels);
        int[] results = new int[levels];
        for (int i = 0; i < levels; i++) {
            pairs.putIfAbsent(i, i, i);
            results[i] = i + 1;
        }
        int n = 1 << 20;
        int[] sym = new int[n];
        int[] len = new int[n];
        Arrays.fill(len, 1);
        int pushes = PairMerger.merge(MergeRules.byRank(pairs, results), sym, len, n);
        assertEquals(n, len[0], "everything merged into one symbol");
        assertEquals(levels, sym[0]);
        assertTrue(pushes <= 3 * n, "queue work " + pushes + " for " + n + " symbols");
    }
}
