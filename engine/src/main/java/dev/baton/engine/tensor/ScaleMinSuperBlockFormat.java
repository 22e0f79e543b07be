package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The K-quant layout Q4_K and Q5_K share ahead of their quants: f16 {@code d}, f16 {@code dmin}, then 12 bytes of
 * packed 6-bit scales and mins, one pair per group of 32. Value = d·scale_j·q − dmin·min_j.
 */
abstract class ScaleMinSuperBlockFormat extends SuperBlockFormat {
    static final int SCALES = 4;
    /** Eight bytes of a byte array as one little-endian long. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int blockBytes;

    ScaleMinSuperBlockFormat() {
        super(PackedScaleMins.GROUP);
        this.blockBytes = type().blockBytes();
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

    /** d, dmin and the eight scales and mins into {@code u}, from two 8-byte reads. */
    static void unpackHeader(MemorySegment w, long blk, UnpackedSuperBlock u) {
        long head = w.get(LittleEndian.LONG, blk);
        long field = w.get(LittleEndian.LONG, blk + 8);
        u.d = Float.float16ToFloat((short) head);
        u.dmin = Float.float16ToFloat((short) (head >>> 16));
        int fieldLow = (int) (head >>> 32);
        int fieldMid = (int) field;
        int fieldHigh = (int) (field >>> 32);
        LONGS.set(u.packedScales, 0, PackedScaleMins.scales(fieldLow, fieldHigh));
        LONGS.set(u.mins, 0, PackedScaleMins.mins(fieldMid, fieldHigh));
        SuperBlockKernels.signedBytesToFloats(u.packedScales, u.scales);
    }
}
