package dev.baton.engine.math;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fixed-bit vector math is accurate, and its vector and scalar forms agree bit for bit. */
class VectorMathTest {
    private static final int LANES = VectorMath.SPECIES.length();

    @Test
    void expIsWithinTwoUlpsAndVectorEqualsScalar() {
        Random random = new Random(5);
        int n = 3 * LANES + 5; // vector loop and scalar tail
        float[] x = new float[n + 2];
        float[] y = new float[n + 1];
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (random.nextFloat() * 2 - 1) * (round % 2 == 0 ? 87f : 10f);
            }
            VectorMath.exp(x, 2, 0f, 1f, y, 1, n);
            for (int i = 0; i < n; i++) {
                float exact = (float) Math.exp(x[2 + i]);
                assertEquals(Float.floatToIntBits(VectorMath.exp(x[2 + i])), Float.floatToIntBits(y[1 + i]),
                        "x = " + x[2 + i]);
                assertTrue(Math.abs(y[1 + i] - exact) <= 2 * Math.ulp(exact),
                        "e^" + x[2 + i] + " = " + y[1 + i] + ", not " + exact);
            }
        }
        assertEquals(1f, VectorMath.exp(0f));
        assertEquals(0f, VectorMath.exp(-88f));
        assertEquals(0f, VectorMath.exp(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isFinite(VectorMath.exp(1000f)));
    }

    @Test
    void expShiftsAndScalesItsArgumentFirst() {
        float[] x = new float[LANES + 1];
        float[] y = new float[LANES + 1];
        Random random = new Random(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() * 20 - 10;
        }
        x[0] = Float.NEGATIVE_INFINITY;
        x[LANES] = Float.NEGATIVE_INFINITY;
        VectorMath.exp(x, 0, 3f, -0.7f, y, 0, x.length);
        for (int i = 1; i < LANES; i++) {
            assertEquals(Float.floatToIntBits(VectorMath.exp((x[i] - 3f) * -0.7f)), Float.floatToIntBits(y[i]));
        }
        VectorMath.exp(x, 0, 3f, 0.7f, y, 0, x.length);
        assertEquals(0f, y[0], "a masked logit weighs nothing, in a vector lane");
        assertEquals(0f, y[LANES], "and in the scalar tail");
    }

    @Test
    void dotAddsLanesInAFixedPairwiseTree() {
        float[] v = new float[LANES + 3];
        float[] ones = new float[LANES + 3];
        Random random = new Random(9);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian() * (i % 3 == 0 ? 1e6f : 1f);
            ones[i] = 1f;
        }
        float[] tree = Arrays.copyOf(v, LANES);
        for (int half = LANES / 2; half > 0; half /= 2) {
            for (int i = 0; i < half; i++) {
                tree[i] = tree[i] + tree[i + half];
            }
        }
        float expected = tree[0];
        for (int i = LANES; i < v.length; i++) {
            expected += v[i];
        }
        assertEquals(expected, VectorMath.dot(v, 0, ones, 0, v.length));
        assertEquals(v[1] * 2 + v[2] * 3, VectorMath.dot(v, 1, new float[]{2, 3}, 0, 2), "shorter than a vector");
    }
}
