package dev.baton.worker.scheduling;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which request offsets stage 0 still owes an answer for, per partition, and so how far each partition may be
 * committed: up to (not including) the lowest offset that has not finished, or past the last one read when all have.
 * Committing no further than that is what makes delivery at-least-once: a request whose offset was committed has its
 * terminal event durably in the reply topic; anything after the commit point is read again after a crash or a
 * rebalance and regenerated. Used by the scheduler thread only.
 */
final class OffsetLedger {
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    private static final class Partition {
        final TreeSet<Long> pending = new TreeSet<>();
        long nextToRead = -1;
        long committed = -1;

        long committable() {
            return pending.isEmpty() ? nextToRead : pending.first();
        }
    }

    /** A record was read: its request is pending until {@link #complete}. */
    void track(TopicPartition partition, long offset) {
        Partition p = partitions.computeIfAbsent(partition, k -> new Partition());
        p.pending.add(offset);
        p.nextToRead = Math.max(p.nextToRead, offset + 1);
    }

    /** The request at this offset is done (terminal event acknowledged, or dead-lettered). Unknown ones are ignored. */
    void complete(TopicPartition partition, long offset) {
        Partition p = partitions.get(partition);
        if (p != null) {
            p.pending.remove(offset);
        }
    }

    /** Whether the offset is still owed an answer on a partition this ledger tracks. */
    boolean isPending(TopicPartition partition, long offset) {
        Partition p = partitions.get(partition);
        return p != null && p.pending.contains(offset);
    }

    /** Commit positions that moved since the last {@link #markCommitted}, for partitions with anything read. */
    Map<TopicPartition, OffsetAndMetadata> commitsDue() {
        Map<TopicPartition, OffsetAndMetadata> due = new HashMap<>();
        partitions.forEach((tp, p) -> {
            long at = p.committable();
            if (at >= 0 && at > p.committed) {
                due.put(tp, new OffsetAndMetadata(at));
            }
        });
        return due;
    }

    /** Commit positions of the given partitions, whether they moved or not (for a final commit). */
    Map<TopicPartition, OffsetAndMetadata> commitPositions(Iterable<TopicPartition> which) {
        Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        for (TopicPartition tp : which) {
            Partition p = partitions.get(tp);
            if (p != null && p.committable() >= 0) {
                positions.put(tp, new OffsetAndMetadata(p.committable()));
            }
        }
        return positions;
    }

    void markCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> {
            Partition p = partitions.get(tp);
            if (p != null) {
                p.committed = Math.max(p.committed, o.offset());
            }
        });
    }

    /** Stops tracking a partition this consumer no longer owns; its pending requests are another member's now. */
    void forget(TopicPartition partition) {
        partitions.remove(partition);
    }

    /** Requests read but not finished, over all partitions. */
    int pendingCount() {
        int n = 0;
        for (Partition p : partitions.values()) {
            n += p.pending.size();
        }
        return n;
    }
}
