package dev.baton.engine.tokenizer;

import java.util.Arrays;

/**
 * Which adjacent symbol pairs merge, into what, and in which order. Rule {@code r = pairs.get(left, right)} merges
 * the two symbols into {@code results[r]}; among all applicable rules those with the lowest {@code order[r]} apply
 * first, the leftmost pair among equals. Orders are dense (0, 1, 2 ...) so that a merge queue can pack one with a
 * position into a single long.
 */
record MergeRules(IntPairMap pairs, int[] results, int[] order) {
    /** Byte-level BPE: rule {@code r} is the merge of rank {@code r}, and lower ranks merge first. */
    static MergeRules byRank(IntPairMap pairs, int[] results) {
        int[] order = new int[results.length];
        Arrays.setAll(order, r -> r);
        return new MergeRules(pairs, results, order);
    }

    /**
     * SentencePiece: rule {@code r} makes token {@code r}, and higher token scores merge first; equal scores share an
     * order, so the leftmost pair decides between them as in llama.cpp. A NaN score merges last.
     */
    static MergeRules byScore(IntPairMap pairs, int[] results, float[] scores) {
        float[] distinct = new float[scores.length];
        int unique = 0;
        for (float s : scores) {
            if (!Float.isNaN(s)) {
                distinct[unique++] = comparable(s);
            }
        }
        Arrays.sort(distinct, 0, unique);
        int n = unique;
        unique = 0;
        for (int i = 0; i < n; i++) {
            if (unique == 0 || distinct[i] != distinct[unique - 1]) {
                distinct[unique++] = distinct[i];
            }
        }
        int[] order = new int[scores.length];
        for (int r = 0; r < scores.length; r++) {
            order[r] = Float.isNaN(scores[r]) ? unique
                    : unique - 1 - Arrays.binarySearch(distinct, 0, unique, comparable(scores[r]));
        }
        return new MergeRules(pairs, results, order);
    }

    /** -0.0 and 0.0 are the same score. */
    private static float comparable(float score) {
        return score + 0.0f;
    }
}
