package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;

/** Reads and writes of the fields inside ggml blocks (f16 scales, packed quant bytes) at any byte offset. */
final class BlockBytes {
    private BlockBytes() {
    }

    /** The f16 at {@code offset}, widened exactly to float. */
    static float f16(MemorySegment segment, long offset) {
        return Float.float16ToFloat(segment.get(LittleEndian.SHORT, offset));
    }

    /** The unsigned byte at {@code offset}. */
    static int u8(MemorySegment segment, long offset) {
        return segment.get(LittleEndian.BYTE, offset) & 0xFF;
    }

    /** The signed byte at {@code offset}. */
    static int s8(MemorySegment segment, long offset) {
        return segment.get(LittleEndian.BYTE, offset);
    }

    /** The little-endian 32-bit word at {@code offset}. */
    static int u32(MemorySegment segment, long offset) {
        return segment.get(LittleEndian.INT, offset);
    }

    /** The f16 at {@code offset} of a block being built in a byte array. */
    static float f16(byte[] block, int offset) {
        return Float.float16ToFloat((short) ((block[offset] & 0xFF) | (block[offset + 1] << 8)));
    }

    /** Stores {@code value} as f16, rounding to nearest even (ggml's GGML_FP32_TO_FP16). */
    static void putF16(byte[] block, int offset, float value) {
        short h = Float.floatToFloat16(value);
        block[offset] = (byte) h;
        block[offset + 1] = (byte) (h >> 8);
    }

    static void putU32(byte[] block, int offset, int word) {
        for (int i = 0; i < 4; i++) {
            block[offset + i] = (byte) (word >>> (8 * i));
        }
    }

    static void checkBlocks(GgmlType type, int n) {
        if (n % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " works on whole blocks of " + type.blockSize()
                    + " values, got " + n);
        }
    }
}
