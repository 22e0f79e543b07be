package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The K-quant layout Q4_K and Q5_K share ahead of their quants: f16 {@code d}, f16 {@code dmin}, then 12 bytes of
 * packed 6-bit scales and mins, one pair per group of 32. Value = d·scale_j·q − dmin·min_j.
 */
abstract class ScaleMinSuperBlockFormat extends SuperBlockFormat {
    static final int SCALES = 4;

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

    @Override
    final int minSum(MemorySegment w, long blk, int[] sums, int sOff) {
        return PackedScaleMins.minSum(w, blk + SCALES, sums, sOff);
    }
}
