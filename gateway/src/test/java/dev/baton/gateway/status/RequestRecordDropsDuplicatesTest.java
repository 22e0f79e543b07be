package dev.baton.gateway.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.gateway.api.GenerationRequest.Kind;
import dev.baton.proto.FinishReason;
import dev.baton.proto.TokenEvent;
import dev.baton.proto.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestRecordDropsDuplicatesTest {
    private static TokenEvent token(int index) {
        return TokenEvent.newBuilder().setRequestId("r").setIndex(index).setTokenId(index).setText("t" + index).build();
    }

    @Test
    void aRedeliveredRequestAddsOnlyTheTokensNotYetSeen() {
        RequestRecord record = new RequestRecord("r", Kind.TEXT, "m", 0, 3, false);
        List<Integer> told = new ArrayList<>();
        record.listen(event -> told.add(event.getIndex()));
        assertTrue(record.accept(token(0)));
        assertTrue(record.accept(token(1)));
        // the pipeline died and the request was regenerated from the start
        assertFalse(record.accept(token(0)));
        assertFalse(record.accept(token(1)));
        assertTrue(record.accept(token(2)));
        TokenEvent last = token(3).toBuilder().setFinishReason(FinishReason.FINISH_REASON_LENGTH)
                .setUsage(Usage.newBuilder().setPromptTokens(3).setCompletionTokens(4)).build();
        assertTrue(record.accept(last));
        assertFalse(record.accept(last), "a repeated terminal event");
        assertFalse(record.accept(token(4)), "anything after the end");
        assertEquals(List.of(0, 1, 2, 3), told);
        RequestRecord.Snapshot snapshot = record.snapshot();
        assertEquals("t0t1t2t3", snapshot.text());
        assertEquals(RequestRecord.State.COMPLETED, snapshot.state());
        assertEquals(4, snapshot.completionTokens());
    }

    @Test
    void anErrorEventFailsTheRequest() {
        RequestRecord record = new RequestRecord("r", Kind.CHAT, "m", 0, 3, false);
        record.accept(TokenEvent.newBuilder().setRequestId("r").setIndex(0)
                .setError(dev.baton.proto.ErrorInfo.newBuilder().setMessage("bad")).build());
        assertEquals(RequestRecord.State.FAILED, record.snapshot().state());
        assertEquals("bad", record.snapshot().error().getMessage());
    }
}
