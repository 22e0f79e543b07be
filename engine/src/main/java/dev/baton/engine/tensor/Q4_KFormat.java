package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q4_K: super-blocks of 256 values in 144 bytes — f16 d, f16 dmin, 12 bytes of packed 6-bit scales and mins
 * (one pair per group of 32), then 128 bytes of 4-bit quants. Value = d·scale_j·q − dmin·min_j. Byte {@code 32c+l}
 * holds value {@code 64c+l} in its low nibble and {@code 64c+32+l} in its high nibble.
 */
final class Q4_KFormat extends ScaleMinSuperBlockFormat {
    static final int QK = 256;
    static final int BYTES = 144;
    static final int QS = 16;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    /** ggml's quantize_row_q4_K_ref (the path llama-quantize takes without an importance matrix). */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        BlockBytes.checkBlocks(GgmlType.Q4_K, n);
        byte[] block = new byte[BYTES];
        byte[] levels = new byte[QK];
        PackedScaleMins.Scratch scratch = new PackedScaleMins.Scratch();
        for (int b = 0; b < n / QK; b++) {
            PackedScaleMins.fit(src, srcOff + b * QK, 15, -1.f, 0.1f, 20, block, levels, scratch);
            for (int c = 0; c < 4; c++) {
                for (int l = 0; l < 32; l++) {
                    block[QS + 32 * c + l] = (byte) (levels[64 * c + l] | (levels[64 * c + 32 + l] << 4));
                }
            }
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, dstOff + (long) b * BYTES, BYTES);
        }
    }

    /** Byte {@code 32c+l}: low nibble is value {@code 64c+l}, high nibble value {@code 64c+32+l}. */
    @Override
    void unpack(MemorySegment w, long blk, UnpackedSuperBlock u) {
        for (int c = 0; c < 4; c++) {
            ByteVector raw = ByteVector.fromMemorySegment(B32, w, blk + QS + 32 * c, LE);
            raw.and((byte) 0xF).intoArray(u.quants, 64 * c);
            raw.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0xF)
                    .intoArray(u.quants, 64 * c + 32);
        }
        unpackHeader(w, blk, u);
    }

    @Override
    int dotReference(MemorySegment w, long blk, float[] a, int aOff) {
        int total = 0;
        for (int j = 0; j < 8; j++) {
            int sum = 0;
            for (int i = 0; i < 32; i++) {
                int e = 32 * j + i;
                int q = BlockBytes.u8(w, blk + QS + 32 * (e / 64) + (e % 32));
                q = (e % 64) < 32 ? q & 0xF : q >> 4;
                sum += q * (int) a[aOff + e];
            }
            total += PackedScaleMins.scale(w, blk + SCALES, j) * sum;
        }
        return total;
    }
}
