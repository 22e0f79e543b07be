package dev.baton.worker.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CommitStopsAtLowestUnfinishedOffsetTest {
    private final TopicPartition p0 = new TopicPartition("baton.requests", 0);
    private final TopicPartition p1 = new TopicPartition("baton.requests", 1);

    @Test
    void requestsFinishingOutOfOrderCommitOnlyUpToTheFirstUnfinished() {
        OffsetLedger ledger = new OffsetLedger();
        for (long offset = 10; offset < 14; offset++) {
            ledger.track(p0, offset);
        }
        ledger.complete(p0, 11);
        ledger.complete(p0, 13);
        assertEquals(Map.of(p0, new OffsetAndMetadata(10)), ledger.commitsDue());
        ledger.markCommitted(ledger.commitsDue());

        ledger.complete(p0, 10);
        assertEquals(Map.of(p0, new OffsetAndMetadata(12)), ledger.commitsDue());
        ledger.markCommitted(ledger.commitsDue());

        ledger.complete(p0, 12);
        assertEquals(Map.of(p0, new OffsetAndMetadata(14)), ledger.commitsDue(), "all done: past the last read");
        ledger.markCommitted(ledger.commitsDue());
        assertTrue(ledger.commitsDue().isEmpty(), "nothing moved since the last commit");
    }

    @Test
    void partitionsAreIndependentAndForgottenOnRevocation() {
        OffsetLedger ledger = new OffsetLedger();
        ledger.track(p0, 5);
        ledger.track(p1, 7);
        ledger.complete(p1, 7);
        assertEquals(Map.of(p0, new OffsetAndMetadata(5), p1, new OffsetAndMetadata(8)), ledger.commitsDue());
        assertEquals(Map.of(p1, new OffsetAndMetadata(8)), ledger.commitPositions(List.of(p1)));

        ledger.forget(p0);
        assertEquals(0, ledger.pendingCount());
        ledger.complete(p0, 5); // a late answer for a partition given away changes nothing
        assertEquals(Map.of(p1, new OffsetAndMetadata(8)), ledger.commitsDue());
    }
}
