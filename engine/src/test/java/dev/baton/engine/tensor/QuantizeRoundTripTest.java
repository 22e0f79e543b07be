package dev.baton.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuantizeRoundTripTest {
    private static final int N = 32 * 64;

    private static float[] roundTrip(GgmlType type, float[] src) {
        WeightFormat f = WeightFormats.of(type);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(f.rowBytes(src.length));
            f.quantize(src, 0, seg, 0, src.length);
            float[] back = new float[src.length];
            f.dequantize(seg, 0, back, 0, src.length);
            return back;
        }
    }

    @Test
    void f32IsExact() {
        float[] src = TestWeights.gaussian(new SplittableRandom(1), N, 1f);
        float[] back = roundTrip(GgmlType.F32, src);
        for (int i = 0; i < N; i++) {
            assertEquals(Float.floatToRawIntBits(src[i]), Float.floatToRawIntBits(back[i]));
        }
    }

    @Test
    void f16IsWithinHalfAnUlp() {
        float[] src = TestWeights.gaussian(new SplittableRandom(2), N, 1f);
        float[] back = roundTrip(GgmlType.F16, src);
        for (int i = 0; i < N; i++) {
            assertTrue(Math.abs(src[i] - back[i]) <= Math.max(Math.abs(src[i]) * 0x1p-11f, 0x1p-25f),
                    () -> "f16 error too large");
            assertEquals(back[i], HalfPrecision.roundToF16(back[i]));
        }
    }

    @Test
    void bf16IsWithinHalfAnUlp() {
        float[] src = TestWeights.gaussian(new SplittableRandom(3), N, 1f);
        float[] back = roundTrip(GgmlType.BF16, src);
        for (int i = 0; i < N; i++) {
            assertTrue(Math.abs(src[i] - back[i]) <= Math.abs(src[i]) * 0x1p-8f, "bf16 error too large");
        }
    }

    @Test
    void bf16RoundsTiesToEven() {
        // 1 + 2^-8 lies halfway between bf16 neighbours 1 and 1 + 2^-7: ties go to the even mantissa, 1.
        assertEquals(1f, HalfPrecision.roundToBf16(1f + 0x1p-8f));
        assertEquals(1f + 0x1p-6f, HalfPrecision.roundToBf16(1f + 0x1p-7f + 0x1p-8f));
        assertTrue(Float.isNaN(HalfPrecision.roundToBf16(Float.NaN)));
    }

    @Test
    void q8_0IsWithinHalfAStepPlusScaleRounding() {
        float[] src = TestWeights.gaussian(new SplittableRandom(4), N, 1f);
        float[] back = roundTrip(GgmlType.Q8_0, src);
        for (int k = 0; k < N / 32; k++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(src[k * 32 + j]));
            }
            float d = amax / 127;
            for (int j = 0; j < 32; j++) {
                int i = k * 32 + j;
                // half a step from rounding q, plus up to 127 × the F16 rounding of d
                assertTrue(Math.abs(src[i] - back[i]) <= d * (0.5f + 127 * 0x1p-11f) + 1e-12f, "q8_0 error");
            }
        }
    }

    @Test
    void q4_0IsWithinOneStep() {
        float[] src = TestWeights.gaussian(new SplittableRandom(5), N, 1f);
        float[] back = roundTrip(GgmlType.Q4_0, src);
        for (int k = 0; k < N / 32; k++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(src[k * 32 + j]));
            }
            float d = amax / 8;
            for (int j = 0; j < 32; j++) {
                int i = k * 32 + j;
                // the largest-magnitude value maps exactly; its opposite end clamps at 7 steps instead of 8
                assertTrue(Math.abs(src[i] - back[i]) <= d * (1 + 8 * 0x1p-11f) + 1e-12f, "q4_0 error");
            }
        }
    }

    @Test
    void q8_0LayoutIsScaleThenSignedBytes() {
        float[] src = new float[32];
        src[0] = -127f; // amax 127 → d = 1
        src[5] = 2.5f; // ties away from zero, as C's roundf
        src[6] = -2.5f;
        src[31] = 119.4f;
        WeightFormat f = WeightFormats.of(GgmlType.Q8_0);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(34);
            f.quantize(src, 0, seg, 0, 32);
            assertEquals(Float.floatToFloat16(1f), seg.get(LittleEndian.SHORT, 0));
            assertEquals(-127, seg.get(LittleEndian.BYTE, 2));
            assertEquals(3, seg.get(LittleEndian.BYTE, 2 + 5));
            assertEquals(-3, seg.get(LittleEndian.BYTE, 2 + 6));
            assertEquals(119, seg.get(LittleEndian.BYTE, 2 + 31));
        }
    }

    @Test
    void q4_0LayoutPutsFirstHalfInLowNibbles() {
        float[] src = new float[32];
        src[0] = -8f; // largest magnitude, negative → d = 1, nibble 0
        src[1] = 3f; // nibble 11
        src[16] = 7f; // nibble 15
        src[17] = -1f; // nibble 7
        WeightFormat f = WeightFormats.of(GgmlType.Q4_0);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(18);
            f.quantize(src, 0, seg, 0, 32);
            assertEquals(Float.floatToFloat16(1f), seg.get(LittleEndian.SHORT, 0));
            assertEquals((byte) 0xF0, seg.get(LittleEndian.BYTE, 2));
            assertEquals((byte) 0x7B, seg.get(LittleEndian.BYTE, 3));
            float[] back = new float[32];
            f.dequantize(seg, 0, back, 0, 32);
            assertEquals(-8f, back[0]);
            assertEquals(3f, back[1]);
            assertEquals(7f, back[16]);
            assertEquals(-1f, back[17]);
            assertEquals(0f, back[2]);
        }
    }

    @Test
    void activationsRoundTiesToEvenLikeLlamaCppOnX86() {
        float[] x = new float[32];
        x[0] = 127f; // amax 127 → d = 1, scale 127/127 = 1
        x[1] = 2.5f;
        x[2] = 3.5f;
        x[3] = -2.5f;
        x[4] = 0.5f;
        float[] q = new float[32];
        float[] d = new float[1];
        Q8Activations.quantize(x, 0, 32, q, 0, d, 0);
        assertEquals(1f, d[0]);
        assertEquals(127f, q[0]);
        assertEquals(2f, q[1]);
        assertEquals(4f, q[2]);
        assertEquals(-2f, q[3]);
        assertEquals(0f, q[4]);
    }

    @Test
    void zeroBlocksQuantizeToZero() {
        float[] zeros = new float[256];
        for (GgmlType t : WeightFormats.supportedTypes()) {
            float[] back = roundTrip(t, zeros);
            for (float v : back) {
                assertEquals(0f, v, 0f, t.toString()); // Q4_0 gives -0.0, as ggml does (d = 0 / -8)
            }
        }
    }
}
