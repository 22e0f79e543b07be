package dev.baton.engine.tensor;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;

/**
 * The transposing int add tree of the K-quant decode kernels ({@link Q4_KDecodeKernel}, {@link Q6_KDecodeKernel}):
 * sixteen vectors of 16 int lanes, one per row of a tile, become one vector whose lane i is the sum of row i's
 * lanes. Each level h (8, 4, 2, 1) halves the vectors: lane i takes lane i and i^h of the first of a pair where bit h
 * of i is clear, of the second where it is set. 15 blends, permutes and adds instead of 16 lane reductions (a
 * reduction per block and row cost as much as the rest of a kernel's second step).
 *
 * <p>Row r's vector goes to slot {@link #slot}(r) (its four index bits reversed), so that it comes out in lane r.
 * Vectors pass through arrays only: a vector handed to a method that C2 does not inline is boxed.
 */
final class RowSumTree {
    /** Rows of a tile, and int lanes of a vector. */
    static final int ROWS = 16;
    /** Ints a caller reserves for {@link #rowSums}: four partial vectors, then the result. */
    static final int WORK = 5 * ROWS;
    /** Offset of the result within the work area. */
    static final int RESULT = 4 * ROWS;
    /** Per level h = 8, 4, 2, 1: lane i's index i^h into two vectors, of the second if bit h is set. */
    static final int[] CROSS = new int[4 * ROWS];
    /** {@link #CROSS}'s offset of level 1, for kernels adding adjacent lanes of two vectors the same way. */
    static final int CROSS1 = 3 * ROWS;
    private static final int[] SLOTS = new int[ROWS];

    static {
        for (int i = 0; i < ROWS; i++) {
            SLOTS[i] = Integer.reverse(i) >>> 28;
        }
        for (int level = 0; level < 4; level++) {
            int h = 8 >> level;
            for (int i = 0; i < ROWS; i++) {
                CROSS[ROWS * level + i] = (i & h) == 0 ? i ^ h : ROWS + (i ^ h);
            }
        }
    }

    private RowSumTree() {
    }

    /** The slot of a tile's row {@code r}: where its vector goes so that its sum comes out in lane r. */
    static int slot(int r) {
        return SLOTS[r];
    }

    /**
     * The 16 slot vectors at {@code v[at ..at+256)} summed: lane r of {@code v[work+RESULT ..]} holds the sum of
     * row r's lanes; {@code v[work ..work+WORK)} is overwritten. Levels 8 and 4 run four slots per iteration (a
     * smaller loop body keeps C2 inlining every operation).
     */
    static void rowSums(int[] v, int at, int work) {
        for (int g = 0, from = at; g < 4; g++, from += 4 * ROWS) {
            VectorMask<Integer> upper8 = VectorMask.fromLong(ShortLaneFold.I, 0xFF00L);
            VectorMask<Integer> upper4 = VectorMask.fromLong(ShortLaneFold.I, 0xF0F0L);
            IntVector cross8 = IntVector.fromArray(ShortLaneFold.I, CROSS, 0);
            IntVector cross4 = IntVector.fromArray(ShortLaneFold.I, CROSS, ROWS);
            IntVector v0 = IntVector.fromArray(ShortLaneFold.I, v, from);
            IntVector v1 = IntVector.fromArray(ShortLaneFold.I, v, from + ROWS);
            IntVector v2 = IntVector.fromArray(ShortLaneFold.I, v, from + 2 * ROWS);
            IntVector v3 = IntVector.fromArray(ShortLaneFold.I, v, from + 3 * ROWS);
            IntVector v01 = v0.blend(v1, upper8).add(cross8.selectFrom(v0, v1));
            IntVector v23 = v2.blend(v3, upper8).add(cross8.selectFrom(v2, v3));
            v01.blend(v23, upper4).add(cross4.selectFrom(v01, v23)).intoArray(v, work + ROWS * g);
        }
        VectorMask<Integer> upper2 = VectorMask.fromLong(ShortLaneFold.I, 0xCCCCL);
        VectorMask<Integer> upper1 = VectorMask.fromLong(ShortLaneFold.I, 0xAAAAL);
        IntVector cross2 = IntVector.fromArray(ShortLaneFold.I, CROSS, 2 * ROWS);
        IntVector cross1 = IntVector.fromArray(ShortLaneFold.I, CROSS, CROSS1);
        IntVector x0 = IntVector.fromArray(ShortLaneFold.I, v, work);
        IntVector x1 = IntVector.fromArray(ShortLaneFold.I, v, work + ROWS);
        IntVector x2 = IntVector.fromArray(ShortLaneFold.I, v, work + 2 * ROWS);
        IntVector x3 = IntVector.fromArray(ShortLaneFold.I, v, work + 3 * ROWS);
        IntVector x01 = x0.blend(x1, upper2).add(cross2.selectFrom(x0, x1));
        IntVector x23 = x2.blend(x3, upper2).add(cross2.selectFrom(x2, x3));
        x01.blend(x23, upper1).add(cross1.selectFrom(x01, x23)).intoArray(v, work + RESULT);
    }
}
