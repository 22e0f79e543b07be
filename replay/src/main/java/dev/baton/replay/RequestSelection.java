package dev.baton.replay;

import java.time.Instant;
import java.util.List;

/** Which logged requests to replay: those logged within a time range, or explicit offset ranges. */
sealed interface RequestSelection {

    /** Records whose timestamp is at or after {@code since} and before {@code until} (null: up to now). */
    record TimeRange(Instant since, Instant until) implements RequestSelection {
    }

    /** Offset ranges of single partitions. */
    record Offsets(List<OffsetSpan> spans) implements RequestSelection {
    }

    /** Offsets {@code from} (included) to {@code to} (excluded; {@link Long#MAX_VALUE}: the partition's end). */
    record OffsetSpan(int partition, long from, long to) {
    }
}
