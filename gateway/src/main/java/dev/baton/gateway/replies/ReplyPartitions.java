package dev.baton.gateway.replies;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reply partitions one gateway instance owns ({@code baton.gateway.reply-partitions}: {@code all} or a list
 * such as {@code 0,1}), and which of them the next request names: round robin, so replies spread over the owned
 * partitions.
 */
public final class ReplyPartitions {
    private final int[] owned;
    private final AtomicInteger next = new AtomicInteger();

    private ReplyPartitions(int[] owned) {
        this.owned = owned;
    }

    /** Parses the setting against the reply topic's partition count; a partition outside it is a startup error. */
    public static ReplyPartitions parse(String setting, int partitionCount) {
        String value = setting.strip();
        if (value.equalsIgnoreCase("all")) {
            int[] all = new int[partitionCount];
            for (int p = 0; p < partitionCount; p++) {
                all[p] = p;
            }
            return new ReplyPartitions(all);
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
        return new ReplyPartitions(partitions.stream().mapToInt(Integer::intValue).toArray());
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
        return owned[Math.floorMod(next.getAndIncrement(), owned.length)];
    }
}
