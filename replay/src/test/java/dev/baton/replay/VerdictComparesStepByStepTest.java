package dev.baton.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.baton.proto.ErrorCode;
import dev.baton.proto.ErrorInfo;
import dev.baton.proto.FinishReason;
import dev.baton.proto.TokenEvent;
import org.junit.jupiter.api.Test;

class VerdictComparesStepByStepTest {
    private static Answer answer(FinishReason finish, int... tokens) {
        Answer answer = new Answer();
        for (int i = 0; i < tokens.length; i++) {
            TokenEvent.Builder event = TokenEvent.newBuilder().setRequestId("r").setIndex(i).setTokenId(tokens[i]);
            if (i == tokens.length - 1) {
                event.setFinishReason(finish);
            }
            answer.accept(event.build());
        }
        return answer;
    }

    private static Answer failedAt(int index, int... tokensBefore) {
        Answer answer = answer(FinishReason.FINISH_REASON_UNSPECIFIED, tokensBefore);
        answer.accept(TokenEvent.newBuilder().setRequestId("r").setIndex(index)
                .setFinishReason(FinishReason.FINISH_REASON_ERROR)
                .setError(ErrorInfo.newBuilder().setCode(ErrorCode.ERROR_CODE_INTERNAL).setMessage("stage lost"))
                .build());
        return answer;
    }

    @Test
    void sameTokensAndEndingAreIdentical() {
        Verdict v = Verdict.compare(answer(FinishReason.FINISH_REASON_STOP, 5, 6, 7),
                answer(FinishReason.FINISH_REASON_STOP, 5, 6, 7), null);
        assertEquals(Verdict.Status.IDENTICAL, v.status());
        assertEquals(3, v.tokensCompared());
    }

    @Test
    void aDifferentTokenDivergesAtItsIndex() {
        Verdict v = Verdict.compare(answer(FinishReason.FINISH_REASON_STOP, 5, 6, 7, 8),
                answer(FinishReason.FINISH_REASON_STOP, 5, 6, 9, 8), null);
        assertEquals(Verdict.Status.DIVERGED, v.status());
        assertEquals(2, v.index());
        assertEquals(7, v.expected().tokenId());
        assertEquals(9, v.got().tokenId());
        assertEquals(2, v.tokensCompared());
    }

    @Test
    void endingEarlierOrDifferentlyDiverges() {
        Verdict shorter = Verdict.compare(answer(FinishReason.FINISH_REASON_LENGTH, 5, 6, 7),
                answer(FinishReason.FINISH_REASON_STOP, 5, 6), null);
        assertEquals(Verdict.Status.DIVERGED, shorter.status());
        assertEquals(1, shorter.index());
        assertEquals("token 6 \"\", end (stop)", shorter.got().describe());

        Verdict reason = Verdict.compare(answer(FinishReason.FINISH_REASON_LENGTH, 5, 6),
                answer(FinishReason.FINISH_REASON_STOP, 5, 6), null);
        assertEquals(Verdict.Status.DIVERGED, reason.status());
        assertEquals(1, reason.index());
    }

    @Test
    void aRecordedAnswerWithoutEndIsUnfinishedUnlessItsPrefixDiffers() {
        Verdict cut = Verdict.compare(answer(FinishReason.FINISH_REASON_UNSPECIFIED, 5, 6),
                answer(FinishReason.FINISH_REASON_STOP, 5, 6, 7), null);
        assertEquals(Verdict.Status.ORIGINAL_UNFINISHED, cut.status());
        assertEquals(2, cut.tokensCompared());

        Verdict differs = Verdict.compare(answer(FinishReason.FINISH_REASON_UNSPECIFIED, 5, 4),
                answer(FinishReason.FINISH_REASON_STOP, 5, 6, 7), null);
        assertEquals(Verdict.Status.DIVERGED, differs.status());
        assertEquals(1, differs.index());

        Verdict nothing = Verdict.compare(new Answer(), answer(FinishReason.FINISH_REASON_STOP, 5), null);
        assertEquals(Verdict.Status.ORIGINAL_UNFINISHED, nothing.status());
        assertEquals("no reply recorded", nothing.detail());
    }

    @Test
    void aCancelledOriginalIsComparedUpToTheCancel() {
        Answer cancelled = answer(FinishReason.FINISH_REASON_UNSPECIFIED, 5, 6);
        cancelled.accept(TokenEvent.newBuilder().setRequestId("r").setIndex(2)
                .setFinishReason(FinishReason.FINISH_REASON_CANCELLED).build());
        Verdict v = Verdict.compare(cancelled, answer(FinishReason.FINISH_REASON_STOP, 5, 6, 7, 8), null);
        assertEquals(Verdict.Status.ORIGINAL_UNFINISHED, v.status());
        assertEquals("cancelled after 2 tokens", v.detail());
    }

    @Test
    void aReplayThatFailsOrFallsSilentIsAFailureNotADivergence() {
        Verdict error = Verdict.compare(answer(FinishReason.FINISH_REASON_STOP, 5, 6, 7), failedAt(2, 5, 6), null);
        assertEquals(Verdict.Status.REPLAY_FAILED, error.status());
        assertEquals(2, error.index());
        assertEquals(2, error.tokensCompared());

        Verdict silent = Verdict.compare(answer(FinishReason.FINISH_REASON_STOP, 5, 6, 7),
                answer(FinishReason.FINISH_REASON_UNSPECIFIED, 5), "no reply for 300 s");
        assertEquals(Verdict.Status.REPLAY_FAILED, silent.status());
        assertEquals("no reply for 300 s", silent.detail());
        assertNull(silent.expected());
    }

    @Test
    void theSameFailureBothTimesIsIdentical() {
        Verdict v = Verdict.compare(failedAt(0), failedAt(0), null);
        assertEquals(Verdict.Status.IDENTICAL, v.status());
    }

    @Test
    void duplicateEventsCountOnceAndNothingAfterTheEnd() {
        Answer answer = answer(FinishReason.FINISH_REASON_STOP, 5, 6);
        answer.accept(TokenEvent.newBuilder().setRequestId("r").setIndex(0).setTokenId(99).build());
        answer.accept(TokenEvent.newBuilder().setRequestId("r").setIndex(2).setTokenId(7).build());
        assertEquals(2, answer.tokens());
        assertEquals(FinishReason.FINISH_REASON_STOP, answer.finishReason());
        assertEquals(5, answer.events().getFirst().getTokenId());
    }
}
