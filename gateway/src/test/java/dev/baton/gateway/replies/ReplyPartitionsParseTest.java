package dev.baton.gateway.replies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyPartitionsParseTest {
    @Test
    void allOwnsEveryPartitionAndRequestsNameTheFirst() {
        ReplyPartitions all = ReplyPartitions.parse("all", 1, 3);
        assertEquals(List.of(0, 1, 2), all.owned());
        assertEquals(List.of(0, 0, 0), List.of(all.pick(), all.pick(), all.pick()));
    }

    @Test
    void aSpreadTakesThatManyOwnedPartitionsInTurn() {
        ReplyPartitions three = ReplyPartitions.parse("all", 3, 3);
        assertEquals(List.of(0, 1, 2, 0), List.of(three.pick(), three.pick(), three.pick(), three.pick()));
        ReplyPartitions two = ReplyPartitions.parse("3,1,2", 2, 4);
        assertEquals(List.of(1, 2, 1), List.of(two.pick(), two.pick(), two.pick()));
    }

    @Test
    void aListOwnsThosePartitions() {
        ReplyPartitions some = ReplyPartitions.parse(" 3, 1 ", 1, 4);
        assertEquals(List.of(1, 3), some.owned());
        assertEquals(1, some.pick());
    }

    @Test
    void partitionsThatDoNotExistAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ReplyPartitions.parse("4", 1, 4));
        assertThrows(IllegalArgumentException.class, () -> ReplyPartitions.parse("one", 1, 4));
    }

    @Test
    void aSpreadBeyondTheOwnedPartitionsIsRefused() {
        IllegalArgumentException tooWide = assertThrows(IllegalArgumentException.class,
                () -> ReplyPartitions.parse("0,1", 3, 4));
        assertTrue(tooWide.getMessage().contains("baton.gateway.reply-spread"), tooWide.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReplyPartitions.parse("all", 0, 4));
    }
}
