package dev.baton.engine.math;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fixed-bit vector math is accurate, and its vector and scalar forms agree bit for bit. */
class VectorMathTest {
    private static final int LANES = VectorMath.SPECIES.length();

    @Test
    void expIsWithinTwoUlpsAndVectorEqualsScalar() {
        Random random = new Random(5);
        float[] x = new float[LANES];
        float[] y = new float[LANES];
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < LANES; i++) {
                x[i] = (random.nextFloat() * 2 - 1) * (round % 2 == 0 ? 87f : 10f);
            }
            VectorMath.exp(FloatVector.fromArray(VectorMath.SPECIES, x, 0)).intoArray(y, 0);
            for (int i = 0; i < LANES; i++) {
                float exact = (float) Math.exp(x[i]);
                assertEquals(Float.floatToIntBits(VectorMath.exp(x[i])), Float.floatToIntBits(y[i]), "x = " + x[i]);
                assertTrue(Math.abs(y[i] - exact) <= 2 * Math.ulp(exact), "e^" + x[i] + " = " + y[i] + ", not " + exact);
            }
        }
        assertEquals(1f, VectorMath.exp(0f));
        assertEquals(0f, VectorMath.exp(-88f));
        assertEquals(0f, VectorMath.exp(Float.NEGATIVE_INFINITY));
        assertEquals(0f, VectorMath.exp(FloatVector.broadcast(VectorMath.SPECIES, Float.NEGATIVE_INFINITY)).lane(0));
        assertTrue(Float.isFinite(VectorMath.exp(1000f)));
    }

    @Test
    void sumLanesAddsInAFixedPairwiseTree() {
        float[] v = new float[LANES];
        Random random = new Random(9);
        for (int i = 0; i < LANES; i++) {
            v[i] = (float) random.nextGaussian() * (i % 3 == 0 ? 1e6f : 1f);
        }
        float[] tree = v.clone();
        for (int half = LANES / 2; half > 0; half /= 2) {
            for (int i = 0; i < half; i++) {
                tree[i] = tree[i] + tree[i + half];
            }
        }
        assertEquals(tree[0], VectorMath.sumLanes(FloatVector.fromArray(VectorMath.SPECIES, v, 0)));
    }
}
