package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorMask;

/**
 * The K-quant layout Q4_K and Q5_K share ahead of their quants: f16 {@code d}, f16 {@code dmin}, then 12 bytes of
 * packed 6-bit scales and mins, one pair per group of 32. Value = d·scale_j·q − dmin·min_j.
 */
abstract class ScaleMinSuperBlockFormat extends SuperBlockFormat {
    static final int SCALES = 4;
    /** Eight bytes of a byte array as one little-endian long. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** After {@link #blockSums}' fold, lane i holds group i/4: the scale bytes of lanes 0–15 and of lanes 16–31. */
    private static final byte[] LOWER_LANE_GROUPS = ShortLaneFold.byteIndices(i -> i >> 2);
    private static final byte[] UPPER_LANE_GROUPS = ShortLaneFold.byteIndices(i -> 4 + (i >> 2));

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

    @Override
    final void blockSums(short[] stage, MemorySegment w, long row, int blocks, int[] sums) {
        VectorMask<Short> upper8 = ShortLaneFold.upper(8);
        ShortVector cross8 = ShortLaneFold.cross(8);
        VectorMask<Short> upper16 = ShortLaneFold.upper(16);
        ShortVector cross16 = ShortLaneFold.cross(16);
        ByteVector lowerLanes = ShortLaneFold.byteIndex(LOWER_LANE_GROUPS);
        ByteVector upperLanes = ShortLaneFold.byteIndex(UPPER_LANE_GROUPS);
        long blk = row;
        for (int k = 0, at = 0; k < blocks; k++, blk += blockBytes, at += ShortLaneFold.STAGE_PER_BLOCK) {
            ShortVector f = ShortLaneFold.fold(
                    ShortLaneFold.fold(ShortVector.fromArray(ShortLaneFold.S, stage, at),
                            ShortVector.fromArray(ShortLaneFold.S, stage, at + 32), upper8, cross8),
                    ShortLaneFold.fold(ShortVector.fromArray(ShortLaneFold.S, stage, at + 64),
                            ShortVector.fromArray(ShortLaneFold.S, stage, at + 96), upper8, cross8),
                    upper16, cross16);
            long scales = PackedScaleMins.scales(w.get(LittleEndian.INT, blk + 4), w.get(LittleEndian.INT, blk + 12));
            ByteVector bytes = LongVector.broadcast(LongVector.SPECIES_128, scales).reinterpretAsBytes();
            sums[k] = ShortLaneFold.scaledSum(f, bytes, lowerLanes, upperLanes);
        }
    }

    @Override
    final float rowProduct(MemorySegment w, long row, int blocks, int[] sums, float[] ad, int dOff, int[] asums,
            int sOff) {
        float acc = 0f;
        long blk = row;
        for (int k = 0; k < blocks; k++, blk += blockBytes) {
            long head = w.get(LittleEndian.LONG, blk);
            long mins = PackedScaleMins.mins(w.get(LittleEndian.INT, blk + 8), w.get(LittleEndian.INT, blk + 12));
            int minSum = 0;
            for (int j = 0, s = sOff + k * PackedScaleMins.GROUPS; j < PackedScaleMins.GROUPS; j++, s++, mins >>>= 8) {
                minSum += (int) (mins & 0xFF) * asums[s];
            }
            acc += blockProduct(Float.float16ToFloat((short) head), Float.float16ToFloat((short) (head >>> 16)),
                    ad[dOff + k], sums[k], minSum, true);
        }
        return acc;
    }
}
