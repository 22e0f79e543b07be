package dev.baton.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** SentencePiece merge order: higher score first, equal scores by position (leftmost), NaN last, -0 equal to 0. */
class MergeOrderFollowsScoresTest {
    @Test
    void scoresBecomeDenseOrdersHighestFirst() {
        float[] scores = {-1f, 3f, 0f, 3f, Float.NaN, -0f, -7.5f};
        MergeRules rules = MergeRules.byScore(new IntPairMap(1), new int[scores.length], scores);
        assertArrayEquals(new int[] {2, 0, 1, 0, 4, 1, 3}, rules.order());
    }

    @Test
    void equalScoresMergeTheLeftmostPairFirst() {
        // symbols a=0 b=1 c=2; "ab"=3 and "bc"=4 both with score 1
        assertArrayEquals(new int[] {3, 2}, mergeAbc(1f, 1f));
        // a higher score wins wherever it is
        assertArrayEquals(new int[] {0, 4}, mergeAbc(1f, 2f));
    }

    private static int[] mergeAbc(float abScore, float bcScore) {
        IntPairMap pairs = new IntPairMap(2);
        pairs.putIfAbsent(0, 1, 3);
        pairs.putIfAbsent(1, 2, 4);
        int[] results = {0, 1, 2, 3, 4};
        float[] scores = {0f, 0f, 0f, abScore, bcScore};
        int[] sym = {0, 1, 2};
        int[] len = {1, 1, 1};
        PairMerger.merge(MergeRules.byScore(pairs, results, scores), sym, len, 3);
        int[] out = new int[3];
        int n = 0;
        for (int i = 0; i < 3; i += len[i]) {
            out[n++] = sym[i];
        }
        return Arrays.copyOf(out, n);
    }
}
