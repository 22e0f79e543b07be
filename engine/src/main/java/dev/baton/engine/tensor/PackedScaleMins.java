package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The 12-byte field of Q4_K and Q5_K super-blocks holding eight 6-bit scales and eight 6-bit mins, one pair per
 * group of 32 values: bytes 0–3 carry scales 0–3 (low 6 bits), bytes 4–7 mins 0–3, bytes 8–11 the low nibbles of
 * scale/min 4–7, and the top two bits of bytes 0–7 carry their high bits. Also the fitting step both types share.
 */
final class PackedScaleMins {
    static final int BYTES = 12;
    static final int GROUPS = 8;
    static final int GROUP = 32;

    private PackedScaleMins() {
    }

    /** Scale of group {@code j} (0–63) from the field at {@code off}. */
    static int scale(MemorySegment s, long off, int j) {
        if (j < 4) {
            return BlockBytes.u8(s, off + j) & 63;
        }
        return (BlockBytes.u8(s, off + j + 4) & 0xF) | ((BlockBytes.u8(s, off + j - 4) >> 6) << 4);
    }

    /** Min of group {@code j} (0–63) from the field at {@code off}. */
    static int min(MemorySegment s, long off, int j) {
        if (j < 4) {
            return BlockBytes.u8(s, off + j + 4) & 63;
        }
        return (BlockBytes.u8(s, off + j + 4) >> 4) | ((BlockBytes.u8(s, off + j) >> 6) << 4);
    }

    /**
     * All eight scales of a field whose bytes 0–3 are {@code lo} and 8–11 are {@code hi} (little-endian words), byte j
     * of the result holding scale j.
     */
    static long scales(int lo, int hi) {
        int first = lo & 0x3F3F3F3F;
        int last = (hi & 0x0F0F0F0F) | ((lo >>> 2) & 0x30303030);
        return (first & 0xFFFFFFFFL) | ((long) last << 32);
    }

    /** All eight mins of a field whose bytes 4–7 are {@code mid} and 8–11 are {@code hi}, byte j holding min j. */
    static long mins(int mid, int hi) {
        int first = mid & 0x3F3F3F3F;
        int last = ((hi >>> 4) & 0x0F0F0F0F) | ((mid >>> 2) & 0x30303030);
        return (first & 0xFFFFFFFFL) | ((long) last << 32);
    }

    /** Same as {@link #scale} on a block being built in a byte array. */
    static int scale(byte[] b, int off, int j) {
        if (j < 4) {
            return b[off + j] & 63;
        }
        return (b[off + j + 4] & 0xF) | (((b[off + j - 4] & 0xFF) >> 6) << 4);
    }

    /** Same as {@link #min} on a block being built in a byte array. */
    static int min(byte[] b, int off, int j) {
        if (j < 4) {
            return b[off + j + 4] & 63;
        }
        return ((b[off + j + 4] & 0xFF) >> 4) | (((b[off + j] & 0xFF) >> 6) << 4);
    }

    /**
     * Fits one super-block of 256 values as ggml's Q4_K/Q5_K reference quantizers do: per group of 32 an asymmetric
     * scale/min search weighted by {@code rms(group) + |x|}, then the eight scales and mins quantized to 6 bits
     * against the block's largest, then every value re-rounded against its final dequantized scale and min.
     * Writes d at {@code block[0..1]}, dmin at {@code [2..3]}, the packed field at {@code [4..15]}; returns levels
     * in {@code levels[0..255]} (0..nmax).
     */
    static void fit(float[] x, int xOff, int nmax, float rmin, float rdelta, int nstep, byte[] block, byte[] levels,
                    Scratch scratch) {
        float maxScale = 0;
        float maxMin = 0;
        float[] weights = scratch.weights;
        for (int j = 0; j < GROUPS; j++) {
            int g = xOff + GROUP * j;
            float sumX2 = 0;
            for (int l = 0; l < GROUP; l++) {
                sumX2 += x[g + l] * x[g + l];
            }
            float avX = (float) Math.sqrt(sumX2 / GROUP);
            for (int l = 0; l < GROUP; l++) {
                weights[l] = avX + Math.abs(x[g + l]);
            }
            scratch.scales[j] = ScaleSearch.asymmetric(GROUP, nmax, x, g, weights, levels, GROUP * j,
                    scratch.mins, j, scratch.aux, rmin, rdelta, nstep, false);
            if (scratch.scales[j] > maxScale) {
                maxScale = scratch.scales[j];
            }
            if (scratch.mins[j] > maxMin) {
                maxMin = scratch.mins[j];
            }
        }
        float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
        float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
        for (int i = 4; i < 4 + BYTES; i++) {
            block[i] = 0;
        }
        for (int j = 0; j < GROUPS; j++) {
            int ls = Math.min(63, ScaleSearch.nearestInt(invScale * scratch.scales[j]) & 0xFF);
            int lm = Math.min(63, ScaleSearch.nearestInt(invMin * scratch.mins[j]) & 0xFF);
            if (j < 4) {
                block[4 + j] = (byte) ls;
                block[4 + j + 4] = (byte) lm;
            } else {
                block[4 + j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                block[4 + j - 4] |= (byte) ((ls >> 4) << 6);
                block[4 + j] |= (byte) ((lm >> 4) << 6);
            }
        }
        BlockBytes.putF16(block, 0, maxScale / 63.f);
        BlockBytes.putF16(block, 2, maxMin / 63.f);
        float d = BlockBytes.f16(block, 0);
        float dmin = BlockBytes.f16(block, 2);
        for (int j = 0; j < GROUPS; j++) {
            float dj = d * scale(block, 4, j);
            if (dj == 0) {
                continue;
            }
            float mj = dmin * min(block, 4, j);
            for (int i = 0; i < GROUP; i++) {
                int l = ScaleSearch.nearestInt((x[xOff + GROUP * j + i] + mj) / dj);
                levels[GROUP * j + i] = (byte) ScaleSearch.clamp(l, 0, nmax);
            }
        }
    }

    /** Per-call scratch of {@link #fit}. */
    static final class Scratch {
        final float[] weights = new float[GROUP];
        final float[] scales = new float[GROUPS];
        final float[] mins = new float[GROUPS];
        final byte[] aux = new byte[GROUP];
    }
}
