package dev.baton.engine.tokenizer;

/**
 * Which adjacent symbol pairs merge, into what, and in which order. Rule {@code r = pairs.get(left, right)} merges
 * the two symbols into {@code results[r]}; among all applicable rules the one with the highest {@code priorities[r]}
 * is applied first (SentencePiece: the merged token's score; byte-level BPE: minus the merge's rank).
 */
record MergeRules(IntPairMap pairs, int[] results, float[] priorities) {
}
