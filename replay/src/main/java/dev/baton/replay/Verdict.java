package dev.baton.replay;

import dev.baton.proto.FinishReason;
import dev.baton.proto.TokenEvent;
import java.util.List;

/**
 * How a re-driven request's answer compares with the answer the log recorded for it.
 *
 * @param index          the first index where the two differ (DIVERGED, REPLAY_FAILED with a failure event), else -1
 * @param expected       the recorded step at {@code index} (null when the recorded answer had ended or stopped there)
 * @param got            the re-driven step at {@code index} (null when none arrived)
 * @param tokensCompared tokens equal in both, from index 0 up to the first difference or the end of the shorter
 * @param detail         why, for the two unfinished/failed statuses; null otherwise
 */
record Verdict(Status status, int index, Step expected, Step got, int tokensCompared, String detail) {

    enum Status {
        /** Same tokens, same ending. */
        IDENTICAL,
        /** A different token or ending at {@link Verdict#index}. */
        DIVERGED,
        /** The log holds no complete answer to compare with (cut off, cancelled by its client, never answered). */
        ORIGINAL_UNFINISHED,
        /** The re-driven request failed or fell silent; its tokens until then matched. */
        REPLAY_FAILED;

        String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Compares step by step from index 0. {@code replayProblem} says why the re-driven answer is incomplete (null when
     * its terminal event arrived).
     */
    static Verdict compare(Answer recorded, Answer replayed, String replayProblem) {
        List<TokenEvent> expected = recorded.events();
        List<TokenEvent> got = replayed.events();
        int tokens = 0;
        int common = Math.min(expected.size(), got.size());
        for (int i = 0; i < common; i++) {
            Step e = Step.of(expected.get(i));
            Step g = Step.of(got.get(i));
            if (e.finish() == FinishReason.FINISH_REASON_CANCELLED) {
                return new Verdict(Status.ORIGINAL_UNFINISHED, -1, null, null, tokens,
                        "cancelled after " + tokens + " tokens");
            }
            if (!e.sameAs(g)) {
                if (g.isError() && !e.isError()) {
                    return new Verdict(Status.REPLAY_FAILED, i, e, g, tokens, "the replay failed at index " + i + ": "
                            + got.get(i).getError().getMessage());
                }
                return new Verdict(Status.DIVERGED, i, e, g, tokens, null);
            }
            if (e.tokenId() != null) {
                tokens++;
            }
        }
        if (replayProblem != null) {
            return new Verdict(Status.REPLAY_FAILED, -1, null, null, tokens, replayProblem);
        }
        if (!recorded.finished()) {
            return new Verdict(Status.ORIGINAL_UNFINISHED, -1, null, null, tokens, expected.isEmpty()
                    ? "no reply recorded" : "the recorded answer stops after " + expected.size() + " events");
        }
        // both ended, and every common step agreed: a step that ends one answer but not the other would have differed
        return new Verdict(Status.IDENTICAL, -1, null, null, tokens, null);
    }
}
