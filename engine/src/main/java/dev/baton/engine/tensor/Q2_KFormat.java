package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q2_K: super-blocks of 256 values in 84 bytes — 16 bytes of 4-bit scale (low nibble) and min (high nibble)
 * per group of 16, 64 bytes of 2-bit quants ({@link TwoBitQuants}), f16 d, f16 dmin.
 * Value = d·scale_j·q − dmin·min_j.
 */
final class Q2_KFormat extends SuperBlockFormat {
    static final int QK = 256;
    static final int BYTES = 84;
    static final int SCALES = 0;
    static final int QS = 16;
    static final int D = 80;
    static final int DMIN = 82;

    Q2_KFormat() {
        super(16);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    /** ggml's quantize_row_q2_K_ref. */
    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        BlockBytes.checkBlocks(GgmlType.Q2_K, n);
        byte[] block = new byte[BYTES];
        byte[] levels = new byte[QK];
        byte[] aux = new byte[16];
        float[] weights = new float[16];
        float[] mins = new float[16];
        float[] scales = new float[16];
        final float q4scale = 15.f;
        for (int b = 0; b < n / QK; b++) {
            int x = srcOff + b * QK;
            float maxScale = 0;
            float maxMin = 0;
            for (int g = 0; g < 16; g++) {
                for (int l = 0; l < 16; l++) {
                    weights[l] = Math.abs(src[x + 16 * g + l]);
                }
                scales[g] = ScaleSearch.asymmetric(16, 3, src, x + 16 * g, weights, levels, 16 * g, mins, g, aux,
                        -0.5f, 0.1f, 15, true);
                if (scales[g] > maxScale) {
                    maxScale = scales[g];
                }
                if (mins[g] > maxMin) {
                    maxMin = mins[g];
                }
            }
            if (maxScale > 0) {
                float iscale = q4scale / maxScale;
                for (int g = 0; g < 16; g++) {
                    block[SCALES + g] = (byte) ScaleSearch.nearestInt(iscale * scales[g]);
                }
                BlockBytes.putF16(block, D, maxScale / q4scale);
            } else {
                for (int g = 0; g < 16; g++) {
                    block[SCALES + g] = 0;
                }
                BlockBytes.putF16(block, D, 0.f);
            }
            if (maxMin > 0) {
                float iscale = q4scale / maxMin;
                for (int g = 0; g < 16; g++) {
                    block[SCALES + g] |= (byte) (ScaleSearch.nearestInt(iscale * mins[g]) << 4);
                }
                BlockBytes.putF16(block, DMIN, maxMin / q4scale);
            } else {
                BlockBytes.putF16(block, DMIN, 0.f);
            }
            float d = BlockBytes.f16(block, D);
            float dmin = BlockBytes.f16(block, DMIN);
            for (int g = 0; g < 16; g++) {
                int sc = block[SCALES + g] & 0xFF;
                float dg = d * (sc & 0xF);
                if (dg == 0) {
                    continue;
                }
                float mg = dmin * (sc >> 4);
                for (int i = 0; i < 16; i++) {
                    int l = ScaleSearch.nearestInt((src[x + 16 * g + i] + mg) / dg);
                    levels[16 * g + i] = (byte) ScaleSearch.clamp(l, 0, 3);
                }
            }
            TwoBitQuants.pack(levels, block, QS);
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, dstOff + (long) b * BYTES, BYTES);
        }
    }

    @Override
    boolean hasMins() {
        return true;
    }

    @Override
    float blockScale(MemorySegment w, long blk) {
        return BlockBytes.f16(w, blk + D);
    }

    @Override
    float blockMinScale(MemorySegment w, long blk) {
        return BlockBytes.f16(w, blk + DMIN);
    }

    @Override
    int groupMin(MemorySegment w, long blk, int g) {
        return BlockBytes.u8(w, blk + SCALES + g) >> 4;
    }

    /** Per half of 128 values, shift j of byte l holds value 32j+l; scale byte g is scale | min << 4. */
    @Override
    void unpack(MemorySegment w, long blk, UnpackedSuperBlock u) {
        for (int h = 0; h < 2; h++) {
            ShortVector q = ByteVector.fromMemorySegment(B32, w, blk + QS + 32 * h, LE).reinterpretAsShorts();
            for (int j = 0; j < 4; j++) {
                q.lanewise(VectorOperators.LSHR, 2 * j).reinterpretAsBytes().and((byte) 3)
                        .intoArray(u.quants, 128 * h + 32 * j);
            }
        }
        for (int g = 0; g < GROUPS; g++) {
            int sc = BlockBytes.u8(w, blk + SCALES + g);
            u.scales[g] = sc & 0xF;
            u.mins[g] = (byte) (sc >> 4);
        }
        u.d = BlockBytes.f16(w, blk + D);
        u.dmin = BlockBytes.f16(w, blk + DMIN);
    }

    @Override
    int dotReference(MemorySegment w, long blk, float[] a, int aOff) {
        int total = 0;
        for (int g = 0; g < GROUPS; g++) {
            int sum = 0;
            for (int i = 0; i < 16; i++) {
                int e = 16 * g + i;
                sum += TwoBitQuants.get(w, blk + QS, e) * (int) a[aOff + e];
            }
            total += (BlockBytes.u8(w, blk + SCALES + g) & 0xF) * sum;
        }
        return total;
    }
}
