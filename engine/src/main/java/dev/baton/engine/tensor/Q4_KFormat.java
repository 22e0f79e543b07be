package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
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

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        BlockBytes.checkBlocks(GgmlType.Q4_K, n);
        for (int b = 0; b < n / QK; b++) {
            long blk = srcOff + (long) b * BYTES;
            float d = BlockBytes.f16(src, blk);
            float dmin = BlockBytes.f16(src, blk + 2);
            int out = dstOff + b * QK;
            for (int c = 0; c < 4; c++) {
                float d1 = d * PackedScaleMins.scale(src, blk + SCALES, 2 * c);
                float m1 = dmin * PackedScaleMins.min(src, blk + SCALES, 2 * c);
                float d2 = d * PackedScaleMins.scale(src, blk + SCALES, 2 * c + 1);
                float m2 = dmin * PackedScaleMins.min(src, blk + SCALES, 2 * c + 1);
                for (int l = 0; l < 32; l++) {
                    int q = BlockBytes.u8(src, blk + QS + 32 * c + l);
                    dst[out + 64 * c + l] = d1 * (q & 0xF) - m1;
                    dst[out + 64 * c + 32 + l] = d2 * (q >> 4) - m2;
                }
            }
        }
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


    /** Per 64 values (32 bytes): low nibbles are group pair 2c, high nibbles 2c+1; each sum is scaled once. */
    @Override
    int dot(MemorySegment w, long blk, float[] a, int aOff) {
        long scales = PackedScaleMins.scales(w, blk + SCALES);
        FloatVector acc = FloatVector.zero(F);
        for (int c = 0; c < 4; c++) {
            FloatVector lo = FloatVector.zero(F);
            FloatVector hi = FloatVector.zero(F);
            for (int k = 0; k < 32; k += L) {
                ByteVector raw = bytes(w, blk + QS + 32 * c + k);
                int e = aOff + 64 * c + k;
                lo = floats(raw.and((byte) 0xF)).fma(FloatVector.fromArray(F, a, e), lo);
                hi = floats(raw.lanewise(VectorOperators.LSHR, 4)).fma(FloatVector.fromArray(F, a, e + 32), hi);
            }
            acc = addScaled(acc, lo, PackedScaleMins.get(scales, 2 * c));
            acc = addScaled(acc, hi, PackedScaleMins.get(scales, 2 * c + 1));
        }
        return exactSum(acc);
    }

    @Override
    void decode(MemorySegment w, long blk, float[] scaled, int off) {
        long scales = PackedScaleMins.scales(w, blk + SCALES);
        for (int c = 0; c < 4; c++) {
            float s1 = PackedScaleMins.get(scales, 2 * c);
            float s2 = PackedScaleMins.get(scales, 2 * c + 1);
            for (int k = 0; k < 32; k += L) {
                ByteVector raw = bytes(w, blk + QS + 32 * c + k);
                int e = off + 64 * c + k;
                floats(raw.and((byte) 0xF)).mul(s1).intoArray(scaled, e);
                floats(raw.lanewise(VectorOperators.LSHR, 4)).mul(s2).intoArray(scaled, e + 32);
            }
        }
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
