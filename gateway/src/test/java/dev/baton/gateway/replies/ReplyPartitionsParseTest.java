package dev.baton.gateway.replies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyPartitionsParseTest {
    @Test
    void allOwnsEveryPartitionAndRequestsTakeThemInTurn() {
        ReplyPartitions all = ReplyPartitions.parse("all", 3);
        assertEquals(List.of(0, 1, 2), all.owned());
        assertEquals(List.of(0, 1, 2, 0), List.of(all.pick(), all.pick(), all.pick(), all.pick()));
    }

    @Test
    void aListOwnsThosePartitions() {
        ReplyPartitions some = ReplyPartitions.parse(" 3, 1 ", 4);
        assertEquals(List.of(1, 3), some.owned());
    }

    @Test
    void partitionsThatDoNotExistAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ReplyPartitions.parse("4", 4));
        assertThrows(IllegalArgumentException.class, () -> ReplyPartitions.parse("one", 4));
    }
}
