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
 * <p>This class holds the tree's constants only: kernels make each level's mask (lanes with bit h set) and index
 * vector ({@link #crossIndices}) inside their loops, where C2 hoists them (a {@code static final} mask or shuffle used
 * inside a loop is re-read from its Java object at every use, and one made before the loop lives across its back
 * edge), and write the folds out themselves, because a vector passed to or returned from a call that C2 leaves out of
 * line is boxed (docs/benchmarks.md, Kernels). Only for 512-bit vectors ({@link #AVAILABLE}).
 */
final class ShortLaneFold {
    static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    /** Whether this machine runs 512-bit vectors, the only shape the kernels are written for. */
    static final boolean AVAILABLE = KernelSpecies.LANES == 16;

    private ShortLaneFold() {
    }

    /** Level {@code h}'s index into the concatenation of two vectors: lane i^h of the first, or of the second. */
    static short[] crossIndices(int h) {
        return CROSS[Integer.numberOfTrailingZeros(h)];
    }

    private static final short[][] CROSS = new short[5][32];

    static {
        for (int level = 0; level < 5; level++) {
            int h = 1 << level;
            for (int i = 0; i < 32; i++) {
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
