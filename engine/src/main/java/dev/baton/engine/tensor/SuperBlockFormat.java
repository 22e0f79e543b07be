package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The K-quant types (Q2_K … Q6_K): super-blocks of 256 values in which value e is
 * {@code d · s_g · q_e − dmin · m_g} for small integer group scales s_g, quants q_e and (Q2_K, Q4_K, Q5_K only)
 * group mins m_g, g being e's group of 16 or 32. Their partner activation format is Q8_K ({@link Q8KActivations}),
 * so a super-block's share of a dot product is
 * <pre>  (d · d_a) · S  −  (dmin · d_a) · M,   S = Σ_e s_g·q_e·q_a,e,   M = Σ_g m_g·sum_a,g</pre>
 * with S and M exact integers. The per-type step of the fast kernels is {@link #unpack}, which turns the packed
 * bits into signed bytes and scales ({@link UnpackedSuperBlock}); {@link SuperBlockKernels} and
 * {@link SuperBlockMatrix} do the arithmetic for every type. Q4_K and Q6_K decode also read their quants in place
 * ({@link Q4_KDecodeKernel}, {@link Q6_KDecodeKernel}). {@link #dotReference} computes S with plain scalar code
 * straight from the packed bytes, as the independent check.
 *
 * <p>Unpacking shifts bytes as 16-bit lanes ({@code reinterpretAsShorts}) and masks: x86 has no byte shifts. It is
 * written without helper methods that take or return vectors: once the calling kernel is large, C2 stops inlining
 * such helpers and every vector passed to them is boxed on the heap.
 */
abstract class SuperBlockFormat implements WeightFormat {
    static final int BLOCK = 256;
    /** Groups of 16 values: the granularity of Q8_K's activation sums and of the finest scale groups. */
    static final int GROUPS = 16;
    /** Quants are unpacked 32 at a time: every K-quant layout repeats with that period. */
    static final VectorSpecies<Byte> B32 = ByteVector.SPECIES_256;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final int scaleGroup;

    /** {@code scaleGroup}: values sharing one scale and min, 16 or 32. */
    SuperBlockFormat(int scaleGroup) {
        this.scaleGroup = scaleGroup;
    }

    /** Values sharing one scale (and min) in {@link #unpack}'s output: 16 or 32. */
    final int scaleGroup() {
        return scaleGroup;
    }

    /** Whether values carry a per-group min (Q2_K, Q4_K, Q5_K). */
    abstract boolean hasMins();

    /** The super-block scale d of the block at byte {@code blk}. */
    abstract float blockScale(MemorySegment w, long blk);

    /** The super-block min scale dmin; only called when {@link #hasMins()}. */
    float blockMinScale(MemorySegment w, long blk) {
        throw new UnsupportedOperationException(type() + " has no mins");
    }

    /** The min of the 16-value group {@code g} (0..15), read plainly; only called when {@link #hasMins()}. */
    int groupMin(MemorySegment w, long blk, int g) {
        throw new UnsupportedOperationException(type() + " has no mins");
    }

    /**
     * Vector kernel: the block at {@code blk} into {@code u} — quants centred as the type defines its values, the
     * 256/{@link #scaleGroup()} group scales, the group mins (types with mins), d and dmin.
     */
    abstract void unpack(MemorySegment w, long blk, UnpackedSuperBlock u);

    /** Plain scalar S: {@code Σ_e s_g·q_e·a[aOff+e]} over the block, for integer-valued a. */
    abstract int dotReference(MemorySegment w, long blk, float[] a, int aOff);

    /** Plain scalar M: {@code Σ_g m_g · sums[sOff+g]} over the block's 16-value groups. */
    final int minSumReference(MemorySegment w, long blk, int[] sums, int sOff) {
        int total = 0;
        for (int g = 0; g < GROUPS; g++) {
            total += groupMin(w, blk, g) * sums[sOff + g];
        }
        return total;
    }

    /**
     * ggml's dequantization, through {@link #unpack}: value e of a block is {@code (d·s_g)·q_e − dmin·m_g} in float,
     * the expression (and order) of ggml's dequantize_row_qN_K for every K-quant type.
     */
    @Override
    public final void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        BlockBytes.checkBlocks(type(), n);
        UnpackedSuperBlock u = Scratch.current().superBlock();
        boolean mins = hasMins();
        for (int b = 0; b < n / BLOCK; b++) {
            unpack(src, srcOff + (long) b * type().blockBytes(), u);
            int out = dstOff + b * BLOCK;
            for (int e = 0; e < BLOCK; e++) {
                int g = e / scaleGroup;
                float value = (u.d * u.scales[g]) * u.quants[e];
                dst[out + e] = mins ? value - u.dmin * u.mins[g] : value;
            }
        }
    }

    @Override
    public WeightMatrix matrix(MemorySegment data, int rows, int cols) {
        return new SuperBlockMatrix(this, data, rows, cols);
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
