package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The K-quant types (Q2_K … Q6_K): super-blocks of 256 values in which value e is
 * {@code d · s_g · q_e − dmin · m_g} for small integer group scales s_g, quants q_e and (Q2_K, Q4_K, Q5_K only)
 * group mins m_g, g being e's group of 16. Their partner activation format is Q8_K ({@link Q8KActivations}), so a
 * super-block's share of a dot product is
 * <pre>  (d · d_a) · Σ_e s_g·q_e·q_a,e  −  (dmin · d_a) · Σ_g m_g·sum_a,g</pre>
 * with both sums exact integers. A type provides the integer sum three ways — fused with the activations (vector),
 * decoded to {@code s_g·q_e} floats for batches (vector), and a plain scalar loop — and {@link SuperBlockMatrix} does
 * the rest, so every path gives the same bits.
 */
abstract class SuperBlockFormat implements WeightFormat {
    static final int BLOCK = 256;
    static final int GROUPS = 16;
    static final VectorSpecies<Float> F = KernelSpecies.FLOAT;
    static final int L = KernelSpecies.LANES;
    /** Byte vectors with as many lanes as {@link #F}: one load of packed quants widens into one float vector. */
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * Byte.SIZE));

    /** Whether values carry a per-group min (Q2_K, Q4_K, Q5_K). */
    abstract boolean hasMins();

    /** The super-block scale d of the block at byte {@code blk}. */
    abstract float blockScale(MemorySegment w, long blk);

    /** The super-block min scale dmin; only called when {@link #hasMins()}. */
    float blockMinScale(MemorySegment w, long blk) {
        throw new UnsupportedOperationException(type() + " has no mins");
    }

    /** The min m_g of group {@code g} (0..15), read plainly; only called when {@link #hasMins()}. */
    int groupMin(MemorySegment w, long blk, int g) {
        throw new UnsupportedOperationException(type() + " has no mins");
    }

    /**
     * {@code Σ_g m_g · sums[sOff+g]} over the block's 16 groups: the mins term against the activation's group sums;
     * only called when {@link #hasMins()}. Types override it with a faster unpacking.
     */
    int minSum(MemorySegment w, long blk, int[] sums, int sOff) {
        return minSumReference(w, blk, sums, sOff);
    }

    /** Plain scalar version of {@link #minSum}. */
    final int minSumReference(MemorySegment w, long blk, int[] sums, int sOff) {
        int total = 0;
        for (int g = 0; g < GROUPS; g++) {
            total += groupMin(w, blk, g) * sums[sOff + g];
        }
        return total;
    }

    /** Vector kernel: {@code Σ_e s_g·q_e·a[aOff+e]} over the block, for integer-valued a (|a| ≤ 127). */
    abstract int dot(MemorySegment w, long blk, float[] a, int aOff);

    /** Vector kernel: writes {@code s_g·q_e} for the block's 256 values to {@code scaled[off..]}. */
    abstract void decode(MemorySegment w, long blk, float[] scaled, int off);

    /** Plain scalar version of {@link #dot}. */
    abstract int dotReference(MemorySegment w, long blk, float[] a, int aOff);

    @Override
    public WeightMatrix matrix(MemorySegment data, int rows, int cols) {
        return new SuperBlockMatrix(this, data, rows, cols);
    }

    /**
     * Sum of the float lanes of an accumulator whose lanes hold exact integers below 2^24: converted to int lanes
     * first, so the total is exact too.
     */
    static int exactSum(FloatVector acc) {
        return ((IntVector) acc.convert(VectorOperators.F2I, 0)).reduceLanes(VectorOperators.ADD);
    }

    /** {@code acc + sum · scale}, lane by lane. */
    static FloatVector addScaled(FloatVector acc, FloatVector sum, float scale) {
        return sum.fma(FloatVector.broadcast(F, scale), acc);
    }

    /** Each byte's bit {@code from} moved to bit {@code to}, all other bits cleared. */
    static ByteVector moveBit(ByteVector v, int from, int to) {
        ByteVector bit = v.and((byte) (1 << from));
        if (to > from) {
            return bit.lanewise(VectorOperators.LSHL, to - from);
        }
        return to < from ? bit.lanewise(VectorOperators.LSHR, from - to) : bit;
    }

    /** L packed bytes at {@code off}. */
    static ByteVector bytes(MemorySegment w, long off) {
        return ByteVector.fromMemorySegment(B, w, off, ByteOrder.LITTLE_ENDIAN);
    }

    /** Bytes (taken as signed) widened to floats. */
    static FloatVector floats(ByteVector v) {
        return (FloatVector) v.convertShape(VectorOperators.B2F, F, 0);
    }

    /** {@code Σ scaled[sOff+e]·a[aOff+e]} over 256 values, all integer-valued: the batched kernel's inner product. */
    static int dotDecoded(float[] scaled, int sOff, float[] a, int aOff) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int e = 0; e < BLOCK; e += 2 * L) {
            acc0 = FloatVector.fromArray(F, scaled, sOff + e).fma(FloatVector.fromArray(F, a, aOff + e), acc0);
            acc1 = FloatVector.fromArray(F, scaled, sOff + e + L).fma(FloatVector.fromArray(F, a, aOff + e + L), acc1);
        }
        return exactSum(acc0) + exactSum(acc1);
    }

    /** The block's share of the dot product, in the one float order all kernels use. */
    static float blockProduct(float d, float dmin, float da, int sum, int minSum, boolean hasMins) {
        float p = (d * da) * sum;
        return hasMins ? p - (dmin * da) * minSum : p;
    }

    static void checkBlocks(GgmlType type, int n) {
        BlockBytes.checkBlocks(type, n);
    }
}
