package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q5_K: super-blocks of 256 values in 176 bytes — f16 d, f16 dmin, 12 bytes of packed 6-bit scales and mins,
 * 32 bytes of fifth bits, 128 bytes of low nibbles laid out as in Q4_K. Value {@code 64c+l} (low nibble of byte
 * {@code 32c+l}) takes bit {@code 2c} of {@code qh[l]}; value {@code 64c+32+l} takes bit {@code 2c+1}.
 */
final class Q5_KFormat extends ScaleMinSuperBlockFormat {
    static final int QK = 256;
    static final int BYTES = 176;
    static final int QH = 16;
    static final int QS = 48;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    /** ggml's quantize_row_q5_K_ref. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        BlockBytes.checkBlocks(GgmlType.Q5_K, n);
        byte[] block = new byte[BYTES];
        byte[] levels = new byte[QK];
        PackedScaleMins.Scratch scratch = new PackedScaleMins.Scratch();
        for (int b = 0; b < n / QK; b++) {
            PackedScaleMins.fit(src, srcOff + b * QK, 31, -0.5f, 0.1f, 15, block, levels, scratch);
            for (int l = 0; l < 32; l++) {
                block[QH + l] = 0;
            }
            for (int c = 0; c < 4; c++) {
                for (int l = 0; l < 32; l++) {
                    int lo = levels[64 * c + l];
                    int hi = levels[64 * c + 32 + l];
                    block[QH + l] |= (byte) (((lo >> 4) << (2 * c)) | ((hi >> 4) << (2 * c + 1)));
                    block[QS + 32 * c + l] = (byte) ((lo & 0xF) | ((hi & 0xF) << 4));
                }
            }
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, dstOff + (long) b * BYTES, BYTES);
        }
    }

    /** As Q4_K, with each nibble's fifth bit taken from {@code qh} (bit 2c for the low nibble, 2c+1 for the high). */
    @Override
    void unpack(MemorySegment w, long blk, UnpackedSuperBlock u) {
        // fifth bits of chunk c sit at bits 0 (low nibbles) and 1 (high nibbles) of high after c shifts by 2
        ByteVector high = ByteVector.fromMemorySegment(B32, w, blk + QH, LE);
        for (int c = 0; c < 4; c++) {
            ByteVector raw = ByteVector.fromMemorySegment(B32, w, blk + QS + 32 * c, LE);
            raw.and((byte) 0xF)
                    .or(high.and((byte) 1).reinterpretAsShorts().lanewise(VectorOperators.LSHL, 4).reinterpretAsBytes())
                    .intoArray(u.quants, 64 * c);
            raw.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0xF)
                    .or(high.and((byte) 2).reinterpretAsShorts().lanewise(VectorOperators.LSHL, 3).reinterpretAsBytes())
                    .intoArray(u.quants, 64 * c + 32);
            high = high.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes();
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
                int c = e / 64;
                boolean lowNibble = (e % 64) < 32;
                int q = BlockBytes.u8(w, blk + QS + 32 * c + (e % 32));
                q = lowNibble ? q & 0xF : q >> 4;
                int fifth = (BlockBytes.u8(w, blk + QH + (e % 32)) >> (2 * c + (lowNibble ? 0 : 1))) & 1;
                sum += (q + 16 * fifth) * (int) a[aOff + e];
            }
            total += PackedScaleMins.scale(w, blk + SCALES, j) * sum;
        }
        return total;
    }
}
