package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Little-endian field access inside ggml blocks. GGUF data is little-endian whatever the host, and block fields
 * (f16 scales, packed quants) sit at any byte offset, hence the unaligned layouts.
 */
final class BlockBytes {
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BlockBytes() {
    }

    /** The f16 at {@code offset}, widened exactly to float. */
    static float f16(MemorySegment segment, long offset) {
        return Float.float16ToFloat(segment.get(SHORT, offset));
    }

    /** The unsigned byte at {@code offset}. */
    static int u8(MemorySegment segment, long offset) {
        return segment.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    /** The signed byte at {@code offset}. */
    static int s8(MemorySegment segment, long offset) {
        return segment.get(ValueLayout.JAVA_BYTE, offset);
    }

    /** The little-endian 32-bit word at {@code offset}. */
    static int u32(MemorySegment segment, long offset) {
        return segment.get(INT, offset);
    }

    /** f32 → f16 bits, round to nearest even (ggml's GGML_FP32_TO_FP16). */
    static short toF16(float value) {
        return Float.floatToFloat16(value);
    }

    /** The f16 at {@code offset} of a block being built in a byte array. */
    static float f16(byte[] block, int offset) {
        return Float.float16ToFloat((short) ((block[offset] & 0xFF) | (block[offset + 1] << 8)));
    }

    static void putF16(byte[] block, int offset, float value) {
        short h = toF16(value);
        block[offset] = (byte) h;
        block[offset + 1] = (byte) (h >> 8);
    }

    static void checkBlocks(GgmlType type, int n) {
        if (n % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " works on whole blocks of " + type.blockSize()
                    + " values, got " + n);
        }
    }
}
