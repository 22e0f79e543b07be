package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Q5_K decode: {@link Q4_KDecodeKernel} with each nibble's fifth bit added in step 1; steps 2 and 3, the arranged
 * activations and the tile loop's scratch are Q4_K's. The 32 bytes of fifth bits are loaded once per half block and
 * copied to both 256-bit halves of a vector, so that short lane s holds the {@code qh} bytes of the quant bytes it
 * holds; a per-half shift (bit 2c for chunk c's low nibbles, 2c+1 for its high nibbles) brings the chunk's bits to
 * bits 0 and 1 of each byte, and a shift and mask per product vector puts them at bit 4 next to their nibbles.
 */
final class Q5_KDecodeKernel {
    private static final int BYTES = Q5_KFormat.BYTES;
    /** Int lanes 0..7 of the {@code qh} bytes, twice. */
    private static final int[] QH_TWICE = new int[16];
    /** Per half u, the shift of the fifth bits: 4u for lanes of chunk 2u, 4u+2 for lanes of chunk 2u+1. */
    private static final int[] QH_SHIFTS = new int[32];
    private static final short[] CROSS2 = ShortLaneFold.crossIndices(2);

    static {
        for (int t = 0; t < 16; t++) {
            QH_TWICE[t] = t & 7;
            for (int u = 0; u < 2; u++) {
                QH_SHIFTS[16 * u + t] = 4 * u + 2 * (t >> 3);
            }
        }
    }

    private Q5_KDecodeKernel() {
    }

    /**
     * Step 1 as {@link Q4_KDecodeKernel#foldedProducts}, for Q5_K blocks: per block and half u, the products of both
     * nibbles of 64 quant bytes with their fifth bits, folded once (h = 2), 32 shorts as 16 ints to
     * {@code stage[32i + 16u ..]}.
     */
    static void foldedProducts(MemorySegment w, long first, int count, int blocks, short[] aq, int aOff,
            int[] stage) {
        for (int i = 0, k = 0, a = aOff; i < count; i++) {
            long blk = first + (long) BYTES * i;
            for (int u = 0; u < 2; u++) {
                VectorMask<Short> upper2 = VectorMask.fromLong(ShortLaneFold.S, 0xCCCCCCCCL);
                ShortVector cross2 = ShortVector.fromArray(ShortLaneFold.S, CROSS2, 0);
                IntVector twice = IntVector.fromArray(ShortLaneFold.I, QH_TWICE, 0);
                IntVector shifts = IntVector.fromArray(ShortLaneFold.I, QH_SHIFTS, 16 * u);
                IntVector h = twice.selectFrom(IntVector.fromMemorySegment(ShortLaneFold.I, w, blk + Q5_KFormat.QH,
                        SuperBlockFormat.LE)).lanewise(VectorOperators.LSHR, shifts);
                IntVector v = IntVector.fromMemorySegment(ShortLaneFold.I, w, blk + Q5_KFormat.QS + 64 * u,
                        SuperBlockFormat.LE);
                int at = a + 128 * u;
                ShortVector low = v.and(0x000F000F).or(h.lanewise(VectorOperators.LSHL, 4).and(0x00100010))
                        .reinterpretAsShorts().mul(ShortVector.fromArray(ShortLaneFold.S, aq, at))
                        .add(v.lanewise(VectorOperators.LSHR, 8).and(0x000F000F)
                                .or(h.lanewise(VectorOperators.LSHR, 4).and(0x00100010)).reinterpretAsShorts()
                                .mul(ShortVector.fromArray(ShortLaneFold.S, aq, at + 32)));
                ShortVector high = v.lanewise(VectorOperators.LSHR, 4).and(0x000F000F)
                        .or(h.lanewise(VectorOperators.LSHL, 3).and(0x00100010)).reinterpretAsShorts()
                        .mul(ShortVector.fromArray(ShortLaneFold.S, aq, at + 64))
                        .add(v.lanewise(VectorOperators.LSHR, 12).and(0x000F000F)
                                .or(h.lanewise(VectorOperators.LSHR, 5).and(0x00100010)).reinterpretAsShorts()
                                .mul(ShortVector.fromArray(ShortLaneFold.S, aq, at + 96)));
                low.blend(high, upper2).add(cross2.selectFrom(low, high)).reinterpretAsInts()
                        .intoArray(stage, 32 * i + 16 * u);
            }
            if (++k == blocks) {
                k = 0;
                a = aOff;
            } else {
                a += Q4_KDecodeKernel.SHORTS_PER_BLOCK;
            }
        }
    }
}
