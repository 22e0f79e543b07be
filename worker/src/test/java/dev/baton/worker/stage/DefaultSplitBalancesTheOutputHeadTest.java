package dev.baton.worker.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.baton.engine.model.LayerRange;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefaultSplitBalancesTheOutputHeadTest {

    private static long[] equalBlocks(int n, long cost) {
        long[] blocks = new long[n];
        Arrays.fill(blocks, cost);
        return blocks;
    }

    @Test
    void equalBlocksWithoutAHeadSplitEvenlyWithEarlierStagesTakingTheRemainder() {
        for (int n = 1; n <= 13; n++) {
            for (int stages = 1; stages <= n; stages++) {
                assertEquals(LayerRange.split(n, stages), BalancedSplit.of(equalBlocks(n, 100), 0, stages),
                        n + " blocks over " + stages + " stages");
            }
        }
    }

    @Test
    void theLastStageTakesFewerBlocksToMakeRoomForTheHead() {
        // llama-110m Q8_0: a block is 7.1M weights, the 32000 x 768 head 24.6M (about 3.5 blocks)
        List<LayerRange> split = BalancedSplit.of(equalBlocks(12, 7_077_888), 24_576_000, 2);
        assertEquals(List.of(new LayerRange(0, 8), new LayerRange(8, 12)), split);
        // 3 stages: 5 | 5 | 2 + head (5.5 blocks' worth) beats 4 | 4 | 4 + head and 5 | 4 | 3 + head
        assertEquals(List.of(new LayerRange(0, 5), new LayerRange(5, 10), new LayerRange(10, 12)),
                BalancedSplit.of(equalBlocks(12, 7_077_888), 24_576_000, 3));
    }

    @Test
    void everyStageKeepsAtLeastOneBlockHoweverLargeTheHead() {
        assertEquals(List.of(new LayerRange(0, 2), new LayerRange(2, 3)),
                BalancedSplit.of(equalBlocks(3, 10), 1_000_000, 2));
    }

    @Test
    void moreStagesThanBlocksIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> BalancedSplit.of(equalBlocks(2, 10), 0, 3));
    }
}
