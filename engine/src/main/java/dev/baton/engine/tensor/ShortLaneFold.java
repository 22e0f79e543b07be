package dev.baton.engine.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 16-bit arithmetic of the K-quant decode kernels: 32-lane short vectors of products {@code q·a} (a quant
 * times a Q8_K activation) are added by a transposing tree (as {@link LaneFold} does for floats: level h takes lane i
 * from one vector where bit h of i is clear, from the other where it is set, and adds lane i^h) until each lane holds
 * a sum of products of one scale group small enough for a short (for Q4_K, 16 products of at most 15·127), then
 * widened to ints and multiplied by the group scales.
 *
 * <p>This class holds the tree's constants only: kernels build each level's mask ({@link #upperBits}) and index
 * vector ({@link #crossIndices}) into locals once, before their loops (a mask or shuffle constant used inside a loop is
 * re-read from its Java object at every use), and write the folds out themselves, because a vector passed to or
 * returned from a call that C2 leaves out of line is boxed (docs/benchmarks.md, Kernels). Only for 512-bit vectors
 * ({@link #AVAILABLE}).
 */
final class ShortLaneFold {
    static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    static final VectorSpecies<Byte> B32 = ByteVector.SPECIES_256;
    static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    /** Whether this machine runs 512-bit vectors, the only shape the kernels are written for. */
    static final boolean AVAILABLE = KernelSpecies.LANES == 16;
    /** Shorts of a kernel's stage per block: the four first-level vectors passed through memory. */
    static final int STAGE_PER_BLOCK = 4 * 32;

    private ShortLaneFold() {
    }

    /** The lanes of level {@code h} (2, 4, 8 or 16) that take the second vector, as mask bits: bit h of the lane index set. */
    static long upperBits(int h) {
        return UPPER_BITS[Integer.numberOfTrailingZeros(h)];
    }

    /** Level {@code h}'s index into the concatenation of two vectors: lane i^h of the first, or of the second. */
    static short[] crossIndices(int h) {
        return CROSS[Integer.numberOfTrailingZeros(h)];
    }

    private static final long[] UPPER_BITS = new long[5];
    private static final short[][] CROSS = new short[5][32];

    static {
        for (int level = 0; level < 5; level++) {
            int h = 1 << level;
            for (int i = 0; i < 32; i++) {
                if ((i & h) != 0) {
                    UPPER_BITS[level] |= 1L << i;
                }
                CROSS[level][i] = (short) ((i & h) == 0 ? i ^ h : 32 + (i ^ h));
            }
        }
    }

    /** Sixteen byte indices, {@code index(i)} in byte i, for a kernel's {@code selectFrom} (load them with B16). */
    static byte[] byteIndices(java.util.function.IntUnaryOperator index) {
        byte[] bytes = new byte[B16.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) index.applyAsInt(i);
        }
        return bytes;
    }
}
