package dev.baton.engine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Random weights and activations for kernel tests: Gaussian values with a few outliers, quantized into a segment. */
final class TestWeights {
    private TestWeights() {
    }

    static float[] gaussian(SplittableRandom rnd, int n, float std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double u1 = 1.0 - rnd.nextDouble();
            double u2 = rnd.nextDouble();
            double g = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
            v[i] = (float) (g * std);
            if (rnd.nextInt(97) == 0) {
                v[i] *= 8; // outliers, so block scales vary
            }
        }
        return v;
    }

    /** A rows × cols matrix of random weights stored in {@code format}, in a segment of {@code arena}. */
    static WeightMatrix matrix(WeightFormat format, Arena arena, SplittableRandom rnd, int rows, int cols) {
        float[] values = gaussian(rnd, rows * cols, 0.5f);
        MemorySegment seg = arena.allocate(format.rowBytes(cols) * rows, 64);
        for (int r = 0; r < rows; r++) {
            format.quantize(values, r * cols, seg, r * format.rowBytes(cols), cols);
        }
        return format.matrix(seg, rows, cols);
    }
}
