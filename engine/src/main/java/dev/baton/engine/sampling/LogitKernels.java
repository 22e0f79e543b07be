package dev.baton.engine.sampling;

import dev.baton.engine.math.VectorMath;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API passes over one row of logits: the validating argmax and exponentiated weights. A vocabulary
 * of 128k tokens makes scalar {@code Math.exp} cost about a millisecond per token; these passes take tens of
 * microseconds. Results are deterministic for a given CPU (fixed lane count and reduction order).
 */
final class LogitKernels {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = FLOATS.withLanes(int.class);
    private static final IntVector LANE_INDEX = IntVector.zero(INTS).addIndex(1);
    /** Weights are summed per block of this many tokens (a multiple of any lane count) so a draw can skip blocks. */
    static final int BLOCK = 256;
    static final int LANES = FLOATS.length();


    private LogitKernels() {
    }

    /**
     * The lowest id holding the highest logit. Doubles as the row's validation, since every sampling path runs it.
     *
     * @throws IllegalArgumentException on NaN, +infinity, or a row that is -infinity everywhere
     */
    static int argmax(float[] row, int base, int n) {
        float max = max(row, base, n);
        if (Float.isNaN(max)) {
            throw new IllegalArgumentException("logit of token " + firstNaN(row, base, n) + " is NaN");
        }
        if (max == Float.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("no token has a finite logit (all are -infinity)");
        }
        int best = 0;
        while (row[base + best] != max) {
            best++;
        }
        if (max == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("logit of token " + best + " is +infinity");
        }
        return best;
    }

    /** The row's maximum, NaN if it holds one. (A max reduction is exact, so its lane order does not matter.) */
    static float max(float[] row, int base, int n) {
        FloatVector maxima = FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int bound = FLOATS.loopBound(n); i < bound; i += FLOATS.length()) {
            maxima = maxima.max(FloatVector.fromArray(FLOATS, row, base + i)); // max propagates NaN
        }
        float max = maxima.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, row[base + i]);
        }
        return max;
    }

    private static int firstNaN(float[] row, int base, int n) {
        int i = 0;
        while (!Float.isNaN(row[base + i])) {
            i++;
        }
        return i;
    }

    /**
     * Writes {@code weights[i] = exp((row[base+i] - max) * invTemperature)} for the tokens ranked at or before the
     * cut (logit above {@code cutLogit}, or equal to it with id at most {@code cutId}) and 0 for the others, the sum of
     * each {@link #BLOCK} of weights to {@code blockSums}, and returns the total. Lane partial sums are added in
     * lane order through {@code lanes} (scratch of {@link #LANES} floats): {@code reduceLanes(ADD)} leaves the order
     * unspecified, and interpreted and compiled code really do round differently, which would let the JIT's progress
     * change a drawn token.
     */
    static double weigh(float[] row, int base, int n, float max, float invTemperature, float cutLogit, int cutId,
                        float[] weights, double[] blockSums, float[] lanes) {
        double total = 0;
        for (int block = 0, start = 0; start < n; block++, start += BLOCK) {
            int end = Math.min(n, start + BLOCK);
            // e^x through the weights array: a vector passed to a method of ours is boxed whenever C2 declines to
            // inline the call
            VectorMath.exp(row, base + start, max, invTemperature, weights, start, end - start);
            FloatVector sums = FloatVector.zero(FLOATS);
            for (int i = start; i < end; i += FLOATS.length()) {
                VectorMask<Float> inRange = FLOATS.indexInRange(i, end);
                FloatVector logits = FloatVector.fromArray(FLOATS, row, base + i, inRange);
                VectorMask<Float> kept = logits.compare(VectorOperators.GT, cutLogit)
                        .or(logits.compare(VectorOperators.EQ, cutLogit)
                                .and(LANE_INDEX.add(i).compare(VectorOperators.LE, cutId).cast(FLOATS)))
                        .and(inRange);
                FloatVector w = FloatVector.fromArray(FLOATS, weights, i, inRange).blend(0f, kept.not());
                w.intoArray(weights, i, inRange);
                sums = sums.add(w);
            }
            sums.intoArray(lanes, 0);
            double blockSum = 0;
            for (float laneSum : lanes) {
                blockSum += laneSum;
            }
            blockSums[block] = blockSum;
            total += blockSum;
        }
        return total;
    }

    /** Thresholds per {@link #massAtOrAbove} pass. */
    static final int THRESHOLDS = 8;
    /** Tokens per partial sum in {@link #massAtOrAbove}: the block's logits and weights stay in L1 across thresholds. */
    private static final int MASS_BLOCK = 1024;

    /**
     * For each of {@link #THRESHOLDS} logit thresholds t, the total weight of the tokens with {@code logit >= t},
     * over {@code logits[base .. base+n)} and the aligned {@code weights[0 .. n)}. Lanes are summed in a fixed order
     * (as in {@link #weigh}), so the result does not depend on the JIT.
     */
    static void massAtOrAbove(float[] logits, int base, float[] weights, int n, float[] thresholds, double[] mass,
                              float[] lanes) {
        Arrays.fill(mass, 0);
        for (int start = 0; start < n; start += MASS_BLOCK) {
            int end = Math.min(n, start + MASS_BLOCK);
            for (int j = 0; j < THRESHOLDS; j++) {
                float t = thresholds[j];
                FloatVector sums = FloatVector.zero(FLOATS);
                for (int i = start; i < end; i += FLOATS.length()) {
                    VectorMask<Float> inRange = FLOATS.indexInRange(i, end);
                    FloatVector l = FloatVector.fromArray(FLOATS, logits, base + i, inRange);
                    VectorMask<Float> above = l.compare(VectorOperators.GE, t).and(inRange);
                    sums = sums.add(FloatVector.fromArray(FLOATS, weights, i, inRange), above);
                }
                sums.intoArray(lanes, 0);
                for (float laneSum : lanes) {
                    mass[j] += laneSum;
                }
            }
        }
    }
}
