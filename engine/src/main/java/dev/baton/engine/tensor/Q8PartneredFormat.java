package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Block-quantized types with 32-element blocks that start with an F16 scale {@code d} and whose values are
 * {@code d · q} for small integers q (Q8_0, Q4_0, Q5_0), or {@code d · q + m} with an F16 offset m right after d
 * (Q4_1, Q5_1). Their partner activation format is Q8_0 ({@link Q8Activations}); a product is, per block,
 * {@code Σ q_w · q_a} computed exactly, times {@code d_w · d_a}, plus for offset types {@code m_w · s_a} where s_a is
 * the activation block's sum as ggml's Q8_1 keeps it; accumulated over blocks in order (see
 * {@link Q8PartneredMatrix}). A new type of this family implements only {@link #unpackQuants} and {@link #quantize}
 * (and {@link #hasBlockOffset}); the kernels work on the unpacked signed bytes.
 */
abstract class Q8PartneredFormat implements WeightFormat {
    static final int BLOCK = 32;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final ByteVector ZERO = ByteVector.zero(B16);

    /**
     * Writes the integer values q (as signed bytes, 32 per block) of {@code nBlocks} blocks starting at byte
     * {@code off} to {@code q}: block k at {@code qOff + k·qStride}.
     */
    abstract void unpackQuants(MemorySegment src, long off, int nBlocks, byte[] q, int qOff, int qStride);

    /** The scale d of the block at byte {@code blockOff}. */
    static float blockScale(MemorySegment src, long blockOff) {
        return Float.float16ToFloat(src.get(LittleEndian.SHORT, blockOff));
    }

    /**
     * Unpacks one block of 4- or 5-bit values to {@code q[at..at+32)}: the 16 bytes at {@code qs} hold value l in
     * their low nibble and value 16+l in their high nibble; bit l of {@code fifthBits} is bit 4 of value l (0 for the
     * 4-bit types); {@code centre} is subtracted from every value.
     */
    static void unpackNibbles(MemorySegment src, long qs, int fifthBits, byte centre, byte[] q, int at) {
        ByteVector packed = ByteVector.fromMemorySegment(B16, src, qs, ByteOrder.LITTLE_ENDIAN);
        ByteVector low = packed.and((byte) 0xF);
        ByteVector high = packed.lanewise(VectorOperators.LSHR, 4);
        if (fifthBits != 0) {
            low = low.or(ZERO.blend((byte) 16, VectorMask.fromLong(B16, fifthBits & 0xFFFF)));
            high = high.or(ZERO.blend((byte) 16, VectorMask.fromLong(B16, fifthBits >>> 16)));
        }
        low.sub(centre).intoArray(q, at);
        high.sub(centre).intoArray(q, at + 16);
    }

    /** Whether values are {@code d · q + m} (Q4_1, Q5_1) rather than {@code d · q}. */
    boolean hasBlockOffset() {
        return false;
    }

    /** The offset m of the block at byte {@code blockOff}; only for {@link #hasBlockOffset()} types. */
    static float blockOffset(MemorySegment src, long blockOff) {
        return Float.float16ToFloat(src.get(LittleEndian.SHORT, blockOff + 2));
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        int blocks = blockCount(n);
        int blockBytes = type().blockBytes();
        boolean offset = hasBlockOffset();
        byte[] q = Scratch.current().quants(BLOCK);
        for (int k = 0; k < blocks; k++) {
            long block = srcOff + (long) k * blockBytes;
            unpackQuants(src, block, 1, q, 0, BLOCK);
            float d = blockScale(src, block);
            float m = offset ? blockOffset(src, block) : 0f;
            for (int j = 0; j < BLOCK; j++) {
                dst[dstOff + k * BLOCK + j] = offset ? q[j] * d + m : q[j] * d;
            }
        }
    }

    final int blockCount(int n) {
        if (n % BLOCK != 0) {
            throw new IllegalArgumentException(type() + " needs a multiple of " + BLOCK + " values, got " + n);
        }
        return n / BLOCK;
    }

    @Override
    public WeightMatrix matrix(MemorySegment data, int rows, int cols) {
        return new Q8PartneredMatrix(this, data, rows, cols);
    }
}
