package dev.baton.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A sequence's outputs are bit-identical whether its activation row is multiplied alone, in a batch of 3 or 8 (at
 * any position, with any neighbours) or in a prefill-sized batch, and with 1, 2 or 3 threads.
 */
class BatchAndThreadInvarianceTest {
    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void outputsDoNotDependOnBatchOrThreads(GgmlType type) {
        int rows = 75;
        int cols = type.blockSize() == 256 ? 768 : 320;
        SplittableRandom rnd = new SplittableRandom(42 + type.ordinal());
        try (Arena arena = Arena.ofShared()) {
            WeightMatrix m = TestWeights.matrix(WeightFormats.of(type), arena, rnd, rows, cols);
            float[] mine = TestWeights.gaussian(rnd, cols, 1f);
            float[] alone = new float[rows];
            try (ComputePool one = new ComputePool(1)) {
                m.multiply(mine, 1, alone, one);
            }
            for (int threads = 1; threads <= 3; threads++) {
                try (ComputePool pool = new ComputePool(threads)) {
                    for (int batch : new int[] {1, 3, 8, 37}) {
                        for (int position : new int[] {0, batch / 2, batch - 1}) {
                            float[] x = TestWeights.gaussian(rnd, batch * cols, 1f);
                            System.arraycopy(mine, 0, x, position * cols, cols);
                            float[] out = new float[batch * rows];
                            m.multiply(x, batch, out, pool);
                            float[] got = java.util.Arrays.copyOfRange(out, position * rows, (position + 1) * rows);
                            assertArrayEquals(alone, got, type + " batch " + batch + " position " + position
                                    + " threads " + threads);
                        }
                    }
                }
            }
        }
    }
}
