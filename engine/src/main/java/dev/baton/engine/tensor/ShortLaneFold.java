package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 16-bit arithmetic of the K-quant decode kernels: 32-lane short vectors of products {@code q·a} (a quant
 * times a Q8_K activation) are added by a transposing tree (as {@link LaneFold} does for floats: level h takes lane i
 * from one vector where bit h of i is clear, from the other where it is set, and adds lane i^h) until each lane holds
 * a sum of products of one scale group small enough for a short (for Q4_K, 16 products of at most 15·127), then
 * widened to ints and multiplied by the group scales.
 *
 * <p>Kernels take each level's mask ({@link #upper}) and index vector ({@link #cross}) into locals once, before their
 * loops: a mask or shuffle constant used inside a loop is re-read from its Java object at every use (C2 cannot move
 * the read past the vector stores). The helpers are small so that C2 inlines them (a vector passed to a call that is
 * not inlined is boxed). Only for 512-bit vectors ({@link #AVAILABLE}).
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

    /** The lanes of level {@code h} (2, 4, 8 or 16) that take the second vector: bit h of the lane index set. */
    static VectorMask<Short> upper(int h) {
        return VectorMask.fromLong(S, UPPER_BITS[Integer.numberOfTrailingZeros(h)]);
    }

    /** Level {@code h}'s index into the concatenation of two vectors: lane i^h of the first, or of the second. */
    static ShortVector cross(int h) {
        return ShortVector.fromArray(S, CROSS[Integer.numberOfTrailingZeros(h)], 0);
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

    /** Sixteen byte indices, {@code index(i)} in byte i, for a kernel's {@code selectFrom}; load with {@link #byteIndex}. */
    static byte[] byteIndices(java.util.function.IntUnaryOperator index) {
        byte[] bytes = new byte[B16.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) index.applyAsInt(i);
        }
        return bytes;
    }

    static ByteVector byteIndex(byte[] indices) {
        return ByteVector.fromArray(B16, indices, 0);
    }

    /** One level of the tree: lane i is x[i] + x[i^h], x = a where {@code upper} is clear, b where it is set. */
    static ShortVector fold(ShortVector a, ShortVector b, VectorMask<Short> upper, ShortVector cross) {
        return a.blend(b, upper).add(cross.selectFrom(a, b));
    }

    /**
     * 32 bytes at {@code at} of {@code w}, sign-extended to shorts: callers mask the bits they use. (The
     * zero-extending conversion is not intrinsified by C2 on JDK 25 and allocates.)
     */
    static ShortVector bytes(MemorySegment w, long at) {
        return (ShortVector) ByteVector.fromMemorySegment(B32, w, at, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.B2S, S, 0);
    }
}
