package dev.baton.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.engine.TestPools;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The integer kernels' block sums are exact only within bounds: the K-quant kernels sum products in float lanes
 * (exact below 2^24; Q4_K's decode kernel in 16-bit lanes, exact only while sixteen products stay below 2^15; Q6_K's
 * in wrapping 16-bit lanes, exact only while eight centred products stay below 2^15), the
 * 32-value types' decode kernels in 16-bit lanes (Q8_0 pairs of products, the nibble types whole centred blocks or
 * halves of them, wrapping modulo 2^16). Quantized Gaussian weights never come near those bounds, so here the blocks
 * are raw bytes (every quant, scale and min anywhere in its range; all bits set: the largest quants, scales and mins;
 * all bits clear: the most negative centred nibbles) and the activations are ±1, which Q8_0 and Q8_K turn into ±127:
 * the vector kernels must still agree with the integer reference bit for bit, on the decode path and on the
 * batch-lane path.
 */
class BlockSumsStayExactTest {
    private static final int ROWS = 19;
    private static final int COLS = 1024;
    private static final ComputePool pool = TestPools.twoThreads();



    @ParameterizedTest
    @EnumSource(names = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void extremeBlocksMatchTheReference(GgmlType type) {
        WeightFormat format = WeightFormats.of(type);
        SplittableRandom rnd = new SplittableRandom(type.ordinal());
        try (Arena arena = Arena.ofShared()) {
            for (int pattern = 0; pattern < 4; pattern++) {
                MemorySegment seg = arena.allocate(format.rowBytes(COLS) * ROWS, 64);
                for (long i = 0; i < seg.byteSize(); i++) {
                    byte b = switch (pattern) {
                        case 0 -> (byte) rnd.nextInt();
                        case 1 -> (byte) 0xFF;
                        case 2 -> (byte) 0x80;
                        default -> (byte) 0x00;
                    };
                    seg.set(ValueLayout.JAVA_BYTE, i, b);
                }
                setBlockScalesToOne(type, seg);
                WeightMatrix m = format.matrix(seg, ROWS, COLS);
                for (int batch : new int[] {1, 2, 3, SuperBlockMatrix.PANEL_MIN_BATCH, 16, 21}) {
                    float[] x = new float[batch * COLS];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = pattern == 0 && rnd.nextBoolean() ? -1f : 1f;
                    }
                    float[] fast = new float[batch * ROWS];
                    float[] ref = new float[batch * ROWS];
                    m.multiply(x, batch, fast, pool);
                    m.multiplyReference(x, batch, ref);
                    for (int i = 0; i < fast.length; i++) {
                        int at = i;
                        int p = pattern;
                        assertEquals(Float.floatToRawIntBits(ref[i]), Float.floatToRawIntBits(fast[i]),
                                () -> type + " pattern " + p + " batch " + batch + " output " + at + ": vector "
                                        + fast[at] + " reference " + ref[at]);
                    }
                }
            }
        }
    }

    /** d (and dmin, m) of every block set to 1.0, so raw bytes never make them infinite or NaN. */
    private static void setBlockScalesToOne(GgmlType type, MemorySegment seg) {
        int[] f16Fields = switch (type) {
            case Q8_0, Q4_0, Q5_0 -> new int[] {0};
            case Q4_1, Q5_1 -> new int[] {0, 2};
            case Q2_K -> new int[] {80, 82};
            case Q3_K -> new int[] {108};
            case Q4_K, Q5_K -> new int[] {0, 2};
            case Q6_K -> new int[] {208};
            default -> throw new IllegalArgumentException(type.toString());
        };
        for (long blk = 0; blk < seg.byteSize(); blk += type.blockBytes()) {
            for (int field : f16Fields) {
                seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, blk + field, (short) 0x3C00);
            }
        }
    }
}
