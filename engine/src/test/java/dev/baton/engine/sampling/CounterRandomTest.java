package dev.baton.engine.sampling;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CounterRandomTest {
    private static final int N = 200_000;

    @Test
    void sameSeedAndIndexGiveTheSameNumber() {
        for (long i = 0; i < 100; i++) {
            assertEquals(CounterRandom.uniform(42, i), CounterRandom.uniform(42, i));
        }
    }

    @Test
    void valuesStayInTheUnitInterval() {
        for (long seed : new long[]{0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 42}) {
            for (long i = 0; i < 10_000; i++) {
                double u = CounterRandom.uniform(seed, i);
                assertTrue(u >= 0 && u < 1, "u=" + u);
            }
        }
    }

    @Test
    void consecutiveIndicesAreUncorrelatedAndUniform() {
        int bins = 20;
        long[] counts = new long[bins];
        double sumProducts = 0;
        double sum = 0;
        double previous = CounterRandom.uniform(1234, 0);
        for (int i = 1; i <= N; i++) {
            double u = CounterRandom.uniform(1234, i);
            counts[(int) (u * bins)]++;
            sumProducts += (u - 0.5) * (previous - 0.5);
            sum += u;
            previous = u;
        }
        // lag-1 correlation of N uniforms has standard deviation ~ 1/sqrt(N) ≈ 0.0022
        double correlation = sumProducts / N / (1.0 / 12);
        assertTrue(Math.abs(correlation) < 0.01, "lag-1 correlation " + correlation);
        assertEquals(0.5, sum / N, 0.005);
        assertTrue(chiSquare(counts, N) < 43.8, "chi-square, 19 degrees of freedom, p=0.001 bound");
    }

    @Test
    void neighbouringSeedsGiveUnrelatedSequences() {
        double sumProducts = 0;
        int equal = 0;
        for (int i = 0; i < N; i++) {
            double a = CounterRandom.uniform(1000, i);
            double b = CounterRandom.uniform(1001, i);
            sumProducts += (a - 0.5) * (b - 0.5);
            if (a == b) {
                equal++;
            }
        }
        assertTrue(Math.abs(sumProducts / N * 12) < 0.01);
        assertEquals(0, equal);
        assertNotEquals(CounterRandom.uniform(1, 0), CounterRandom.uniform(0, 1), "seed and index are not symmetric");
    }

    static double chiSquare(long[] counts, long total) {
        double expected = (double) total / counts.length;
        double chi = 0;
        for (long c : counts) {
            chi += (c - expected) * (c - expected) / expected;
        }
        return chi;
    }
}
