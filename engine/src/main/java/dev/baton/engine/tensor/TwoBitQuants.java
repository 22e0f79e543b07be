package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The 64-byte field of 2-bit quants shared by Q2_K and Q3_K: in half h (values 128h…128h+127) byte {@code 32h+l}
 * holds values l, l+32, l+64, l+96 of that half at bit offsets 0, 2, 4, 6.
 */
final class TwoBitQuants {
    static final int BYTES = 64;

    private TwoBitQuants() {
    }

    /** The 2-bit quant of value {@code e} (0..255) from the field at {@code off}. */
    static int get(MemorySegment s, long off, int e) {
        int k = e & 127;
        return (BlockBytes.u8(s, off + 32 * (e >> 7) + (k & 31)) >> (2 * (k >> 5))) & 3;
    }

    /** Packs {@code levels[0..255]} (each 0..3) into {@code block[off..off+63]}. */
    static void pack(byte[] levels, byte[] block, int off) {
        for (int h = 0; h < 2; h++) {
            int base = 128 * h;
            for (int l = 0; l < 32; l++) {
                block[off + 32 * h + l] = (byte) (levels[base + l] | (levels[base + l + 32] << 2)
                        | (levels[base + l + 64] << 4) | (levels[base + l + 96] << 6));
            }
        }
    }
}
