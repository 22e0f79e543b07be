package dev.baton.gateway.replies;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reply partitions one gateway instance owns ({@code baton.gateway.reply-partitions}: {@code all} or a list
 * such as {@code 0,1}), all of which it consumes, and which of them the next request names: the first
 * {@code baton.gateway.reply-spread} of them in turn (by default only the first).
 */
public final class ReplyPartitions {
    private final int[] owned;
    private final int spread;
    private final AtomicInteger next = new AtomicInteger();

    private ReplyPartitions(int[] owned, int spread) {
        if (spread < 1 || spread > owned.length) {
            throw new IllegalArgumentException("baton.gateway.reply-spread: " + spread + " is not between 1 and the "
                    + owned.length + " reply partition(s) this instance owns");
        }
        this.owned = owned;
        this.spread = spread;
    }

    /**
     * Parses the settings against the reply topic's partition count; a partition outside it, or a spread over more
     * partitions than are owned, is a startup error.
     */
    public static ReplyPartitions parse(String setting, int spread, int partitionCount) {
        String value = setting.strip();
        if (value.equalsIgnoreCase("all")) {
            int[] all = new int[partitionCount];
            for (int p = 0; p < partitionCount; p++) {
                all[p] = p;
            }
            return new ReplyPartitions(all, spread);
        }
        TreeSet<Integer> partitions = new TreeSet<>();
        for (String part : value.split(",")) {
            String p = part.strip();
            int partition;
            try {
                partition = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("baton.gateway.reply-partitions: '" + p
                        + "' is not a partition number (expected 'all' or a list such as 0,1)");
            }
            if (partition < 0 || partition >= partitionCount) {
                throw new IllegalArgumentException("baton.gateway.reply-partitions: partition " + partition
                        + " does not exist (the reply topic has " + partitionCount + ")");
            }
            partitions.add(partition);
        }
        return new ReplyPartitions(partitions.stream().mapToInt(Integer::intValue).toArray(), spread);
    }

    public List<Integer> owned() {
        List<Integer> list = new ArrayList<>(owned.length);
        for (int p : owned) {
            list.add(p);
        }
        return list;
    }

    /** The partition the next request's replies should go to. */
    public int pick() {
        return owned[Math.floorMod(next.getAndIncrement(), spread)];
    }
}
