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
 * {@link Q8PartneredMatrix}). A new type of this family implements only {@link #layout} and {@link #quantize} (and
 * {@link #hasBlockOffset}); the kernels read the quants where the layout says, in place or unpacked to signed bytes.
 */
abstract class Q8PartneredFormat implements WeightFormat {
    static final int BLOCK = 32;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final ByteVector ZERO = ByteVector.zero(B16);

    /**
     * Where a block keeps its quants: 32 signed bytes at {@code quantsAt}, or ({@code nibbles}) 16 bytes there holding
     * value l in the low and value 16+l in the high nibble, with bit 4 of value i in bit i of the little-endian word at
     * {@code fifthBitsAt} (−1: 4-bit values); {@code centre} is subtracted from every stored value.
     */
    record BlockLayout(int quantsAt, boolean nibbles, int fifthBitsAt, int centre) {
    }

    abstract BlockLayout layout();

    /**
     * Writes the integer values q (as signed bytes, 32 per block) of {@code nBlocks} blocks starting at byte
     * {@code off} to {@code q}: block k at {@code qOff + k·qStride}.
     */
    final void unpackQuants(MemorySegment src, long off, int nBlocks, byte[] q, int qOff, int qStride) {
        BlockLayout layout = layout();
        int blockBytes = type().blockBytes();
        for (int k = 0; k < nBlocks; k++) {
            long block = off + (long) k * blockBytes;
            if (!layout.nibbles()) {
                ByteVector.fromMemorySegment(ByteVector.SPECIES_256, src, block + layout.quantsAt(),
                        ByteOrder.LITTLE_ENDIAN).intoArray(q, qOff + k * qStride);
            } else {
                int fifthBits = layout.fifthBitsAt() < 0 ? 0 : BlockBytes.u32(src, block + layout.fifthBitsAt());
                unpackNibbles(src, block + layout.quantsAt(), fifthBits, (byte) layout.centre(), q, qOff + k * qStride);
            }
        }
    }

    /** The scale d of the block at byte {@code blockOff}. */
    static float blockScale(MemorySegment src, long blockOff) {
        return Float.float16ToFloat(src.get(LittleEndian.SHORT, blockOff));
    }

    /**
     * Unpacks one block of 4- or 5-bit values to {@code q[at..at+32)}: the 16 bytes at {@code qs} hold value l in
     * their low nibble and value 16+l in their high nibble; bit l of {@code fifthBits} is bit 4 of value l (0 for the
     * 4-bit types); {@code centre} is subtracted from every value.
     */
    private static void unpackNibbles(MemorySegment src, long qs, int fifthBits, byte centre, byte[] q, int at) {
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
