package dev.baton.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * dequantize(quantize(x)) stays within each type's documented error (engine/README.md, "Weight types"): every value
 * within {@code maxError × amax} of its block (256 values for K-quants, 32 otherwise), and on Gaussian data with
 * outliers an RMS error of at most {@code rmsError × rms(x)}. The legacy bounds follow from the formats (half a step,
 * a full step on Q4_0's and Q5_0's clamped side, plus F16 rounding of d and m); the K-quant ones are the measured worst case with
 * a margin, since their scales are themselves quantized.
 */
class QuantizationErrorBoundsTest {
    @ParameterizedTest
    @CsvSource({
        "Q8_0, 0.0045, 0.01",
        "Q4_0, 0.1255, 0.14",
        "Q2_K, 0.50,   0.36",
        "Q3_K, 0.25,   0.21",
        "Q4_K, 0.125,  0.10",
        "Q5_K, 0.0625, 0.05",
        "Q6_K, 0.025,  0.03",
        "Q4_1, 0.0675, 0.10",
        "Q5_0, 0.0630, 0.07",
        "Q5_1, 0.0330, 0.05",
    })
    void roundTripErrorWithinDocumentedBound(GgmlType type, double maxError, double rmsError) {
        WeightFormat format = WeightFormats.of(type);
        int n = 256 * 256;
        int block = type.blockSize();
        double squaredError = 0;
        double squaredValue = 0;
        for (int seed = 0; seed < 2; seed++) {
            float[] x = TestWeights.gaussian(new SplittableRandom(seed), n, 1f);
            float[] y = new float[n];
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(format.rowBytes(n));
                format.quantize(x, 0, seg, 0, n);
                format.dequantize(seg, 0, y, 0, n);
            }
            for (int b = 0; b < n; b += block) {
                double amax = 0;
                for (int j = 0; j < block; j++) {
                    amax = Math.max(amax, Math.abs(x[b + j]));
                }
                for (int j = 0; j < block; j++) {
                    double e = Math.abs(x[b + j] - (double) y[b + j]);
                    squaredError += e * e;
                    squaredValue += (double) x[b + j] * x[b + j];
                    int at = b + j;
                    double limit = maxError * amax;
                    assertTrue(e <= limit, () -> type + " value " + at + ": " + x[at] + " decoded " + y[at]
                            + ", error above " + limit);
                }
            }
        }
        double rms = Math.sqrt(squaredError / squaredValue);
        assertTrue(rms <= rmsError, type + " relative RMS error " + rms + " above " + rmsError);
    }
}
