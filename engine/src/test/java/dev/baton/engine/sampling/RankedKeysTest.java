package dev.baton.engine.sampling;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RankedKeysTest {
    @Test
    void keysRoundTripAndOrderByLogitThenId() {
        float[] values = {Float.NEGATIVE_INFINITY, -1e30f, -2f, -0f, 0f, Float.MIN_VALUE, 1f, 3e38f};
        for (float v : values) {
            assertEquals(v == 0 ? 0f : v, RankedKeys.logit(RankedKeys.of(v, 17)), 0f);
            assertEquals(17, RankedKeys.id(RankedKeys.of(v, 17)));
        }
        for (int i = 1; i < values.length; i++) {
            assertTrue(RankedKeys.of(values[i], 0) <= RankedKeys.of(values[i - 1], 0), "higher logit ranks first");
        }
        assertTrue(RankedKeys.of(2f, 3) < RankedKeys.of(2f, 4), "equal logits: lower id ranks first");
        assertEquals(RankedKeys.of(-0f, 9), RankedKeys.of(0f, 9));
    }

    @Test
    void selectBestMatchesAFullSort() {
        Random random = new Random(4);
        long[] out = new long[3000];
        for (int k : new int[]{1, 2, 40, 1000, 3000}) {
            float[] logits = new float[3000];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = random.nextInt(200) / 4f; // many ties
            }
            int n = RankedKeys.selectBest(logits, 0, logits.length, k, out);
            int[] expected = IntStream.range(0, logits.length).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
                    .limit(k).mapToInt(Integer::intValue).toArray();
            int[] actual = Arrays.stream(out, 0, n).mapToInt(RankedKeys::id).toArray();
            assertArrayEquals(expected, actual, "k=" + k);
        }
    }
}
