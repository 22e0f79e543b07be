package dev.baton.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The vector kernels and the scalar references compute each output in the same fixed order, so they must agree bit
 * for bit, for every type and for odd shapes (rows not a multiple of any tile, batches not a multiple of 4, float
 * rows not a multiple of the vector length, rows longer than one column chunk of the row-lane kernel, a 16-row tile of
 * 80 super-blocks, which the Q6_K decode steps take in calls of 48, the first ending inside a row). Both must also be
 * close to the exact product of the dequantized weights
 * and the partner-converted activations. Batches of 9, 21 and 40 take the batch-lane paths (40: both register tiles of
 * the 32-value types).
 */
class VectorKernelMatchesReferenceTest {
    private static final int[][] SHAPES = {{1, 32}, {5, 64}, {13, 96}, {37, 160}, {64, 256}, {3, 1024}, {130, 32},
            {9, 512}, {6, 768}, {2, 1536}, {17, 2080}, {20, 1280}};
    private static final int[] FLOAT_ONLY_COLS = {1, 3, 17, 172};
    private static ComputePool pool;

    @BeforeAll
    static void startPool() {
        pool = new ComputePool(3);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void vectorEqualsReferenceBitForBit(GgmlType type) {
        WeightFormat format = WeightFormats.of(type);
        SplittableRandom rnd = new SplittableRandom(type.ordinal());
        try (Arena arena = Arena.ofShared()) {
            for (int[] shape : SHAPES) {
                if (shape[1] % type.blockSize() == 0) {
                    check(format, arena, rnd, shape[0], shape[1]);
                }
            }
            if (!type.isQuantized()) {
                for (int cols : FLOAT_ONLY_COLS) {
                    check(format, arena, rnd, 7, cols);
                }
            }
        }
    }

    private static void check(WeightFormat format, Arena arena, SplittableRandom rnd, int rows, int cols) {
        WeightMatrix m = TestWeights.matrix(format, arena, rnd, rows, cols);
        for (int batch : new int[] {1, 2, 5, 9, 21, 40}) {
            float[] x = TestWeights.gaussian(rnd, batch * cols, 1f);
            float[] fast = new float[batch * rows];
            float[] ref = new float[batch * rows];
            m.multiply(x, batch, fast, pool);
            m.multiplyReference(x, batch, ref);
            for (int i = 0; i < fast.length; i++) {
                int at = i;
                assertEquals(Float.floatToRawIntBits(ref[i]), Float.floatToRawIntBits(fast[i]),
                        () -> format.type() + " " + rows + "x" + cols + " batch " + batch + " output " + at
                                + ": vector " + fast[at] + " reference " + ref[at]);
            }
            assertCloseToExactProduct(m, x, batch, ref);
        }
    }

    /**
     * The result approximates Σ W·x: exactly up to float rounding for F32; F16/BF16 round each activation by at most
     * half an ulp; Q8_0 activations are off by at most half a step (plus the F16 rounding of the step) per element.
     */
    private static void assertCloseToExactProduct(WeightMatrix m, float[] x, int batch, float[] out) {
        int rows = m.rows();
        int cols = m.cols();
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            m.dequantizeRow(r, row, 0);
            for (int b = 0; b < batch; b++) {
                double exact = 0;
                double bound = 0;
                for (int c = 0; c < cols; c++) {
                    double xc = x[b * cols + c];
                    exact += row[c] * xc;
                    double activationError = switch (m.type()) {
                        case F32 -> 0;
                        case F16 -> Math.abs(xc) * 0x1p-11 + 0x1p-25;
                        case BF16 -> Math.abs(xc) * 0x1p-8;
                        case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K ->
                                blockMax(x, b * cols + c / 256 * 256, 256) / 127 * (0.5 + 127 * 0x1p-22);
                        default -> blockMax(x, b * cols + c / 32 * 32, 32) / 127 * (0.5 + 127 * 0x1p-11);
                    };
                    bound += Math.abs(row[c]) * activationError + 1e-6 * Math.abs(row[c] * xc);
                }
                double got = out[b * rows + r];
                double e = exact;
                double tol = bound + 1e-6;
                assertTrue(Math.abs(got - exact) <= tol,
                        () -> m.type() + " output " + got + " vs exact " + e + " (bound " + tol + ")");
            }
        }
    }

    private static double blockMax(float[] x, int from, int n) {
        double max = 0;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, Math.abs(x[from + j]));
        }
        return max;
    }
}
