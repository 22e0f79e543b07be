package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The K-quant layout Q4_K and Q5_K share ahead of their quants: f16 {@code d}, f16 {@code dmin}, then 12 bytes of
 * packed 6-bit scales and mins, one pair per group of 32. Value = d·scale_j·q − dmin·min_j.
 */
abstract class ScaleMinSuperBlockFormat extends SuperBlockFormat {
    static final int SCALES = 4;

    ScaleMinSuperBlockFormat() {
        super(PackedScaleMins.GROUP);
    }

    @Override
    final boolean hasMins() {
        return true;
    }

    @Override
    final float blockScale(MemorySegment w, long blk) {
        return BlockBytes.f16(w, blk);
    }

    @Override
    final float blockMinScale(MemorySegment w, long blk) {
        return BlockBytes.f16(w, blk + 2);
    }

    @Override
    final int groupMin(MemorySegment w, long blk, int g) {
        return PackedScaleMins.min(w, blk + SCALES, g / 2);
    }

    /** d, dmin and the eight scales and mins into {@code u}. */
    static void unpackHeader(MemorySegment w, long blk, UnpackedSuperBlock u) {
        u.d = BlockBytes.f16(w, blk);
        u.dmin = BlockBytes.f16(w, blk + 2);
        long scales = PackedScaleMins.scales(w, blk + SCALES);
        long mins = PackedScaleMins.mins(w, blk + SCALES);
        for (int j = 0; j < PackedScaleMins.GROUPS; j++) {
            u.scales[j] = PackedScaleMins.get(scales, j);
            u.mins[j] = PackedScaleMins.get(mins, j);
        }
    }
}
