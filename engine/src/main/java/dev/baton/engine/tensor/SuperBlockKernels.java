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
 * The vector arithmetic on unpacked K-quant super-blocks ({@link UnpackedSuperBlock}), shared by every K-quant type.
 *
 * <p>Exactness: every product {@code s·q·a} is an integer of magnitude at most 128·32·127 (Q6_K's worst case;
 * Q4_K: 63·15·127, Q5_K: 63·31·127), so a float lane holding a sum of at most 32 of them stays below 2^24 and is
 * exact in any order. The kernels convert lanes to ints before they could hold more, so S comes out exact.
 *
 * <p>No method here takes or returns a vector: C2 boxes vectors passed to a call it did not inline, and it stops
 * inlining in large compilation units. Each kernel loads, computes and stores its vectors itself.
 */
final class SuperBlockKernels {
    static final int BLOCK = SuperBlockFormat.BLOCK;
    private static final VectorSpecies<Float> F = KernelSpecies.FLOAT;
    private static final int L = KernelSpecies.LANES;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Bytes with as many lanes as {@link #F}: one load of quants widens into one float vector. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * Byte.SIZE));
    /** Weight rows per batch-lane register tile: 8 independent FMA chains keep both FMA ports busy. */
    static final int PANEL_ROWS = 8;
    /** Values summed in float lanes before they are moved to int lanes (see the class comment). */
    private static final int FLOAT_SPAN = 32;

    private SuperBlockKernels() {
    }

    /** S = Σ_e s_g·q_e·a[aOff+e] for one activation row (integer-valued a, |a| ≤ 127). */
    static int dot(UnpackedSuperBlock u, int scaleGroup, float[] a, int aOff) {
        return scaleGroup == 32 ? dotGroupsOf32(u.quants, u.scales, a, aOff) : dotGroupsOf16(u.quants, u.scales, a, aOff);
    }

    /** Groups of 32: each group's products are summed unscaled, then scaled once. */
    private static int dotGroupsOf32(byte[] q, float[] s, float[] a, int aOff) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        for (int g = 0; g < 8; g += 2) {
            FloatVector p0 = FloatVector.zero(F);
            FloatVector p1 = p0;
            for (int v = 0; v < 32; v += L) {
                int e = 32 * g + v;
                FloatVector q0 = (FloatVector) ByteVector.fromArray(B, q, e).convertShape(VectorOperators.B2F, F, 0);
                FloatVector q1 = (FloatVector) ByteVector.fromArray(B, q, e + 32)
                        .convertShape(VectorOperators.B2F, F, 0);
                p0 = q0.fma(FloatVector.fromArray(F, a, aOff + e), p0);
                p1 = q1.fma(FloatVector.fromArray(F, a, aOff + e + 32), p1);
            }
            acc0 = p0.fma(FloatVector.broadcast(F, s[g]), acc0);
            acc1 = p1.fma(FloatVector.broadcast(F, s[g + 1]), acc1);
        }
        return ((IntVector) acc0.convert(VectorOperators.F2I, 0))
                .add((IntVector) acc1.convert(VectorOperators.F2I, 0)).reduceLanes(VectorOperators.ADD);
    }

    /** Groups of 16: each vector of products is scaled on its own; four accumulators hide the FMA latency. */
    private static int dotGroupsOf16(byte[] q, float[] s, float[] a, int aOff) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        for (int g = 0; g < 16; g += 4) {
            for (int v = 0; v < 16; v += L) {
                int e = 16 * g + v;
                FloatVector q0 = (FloatVector) ByteVector.fromArray(B, q, e).convertShape(VectorOperators.B2F, F, 0);
                FloatVector q1 = (FloatVector) ByteVector.fromArray(B, q, e + 16)
                        .convertShape(VectorOperators.B2F, F, 0);
                FloatVector q2 = (FloatVector) ByteVector.fromArray(B, q, e + 32)
                        .convertShape(VectorOperators.B2F, F, 0);
                FloatVector q3 = (FloatVector) ByteVector.fromArray(B, q, e + 48)
                        .convertShape(VectorOperators.B2F, F, 0);
                acc0 = q0.mul(FloatVector.fromArray(F, a, aOff + e)).fma(FloatVector.broadcast(F, s[g]), acc0);
                acc1 = q1.mul(FloatVector.fromArray(F, a, aOff + e + 16)).fma(FloatVector.broadcast(F, s[g + 1]), acc1);
                acc2 = q2.mul(FloatVector.fromArray(F, a, aOff + e + 32)).fma(FloatVector.broadcast(F, s[g + 2]), acc2);
                acc3 = q3.mul(FloatVector.fromArray(F, a, aOff + e + 48)).fma(FloatVector.broadcast(F, s[g + 3]), acc3);
            }
        }
        return ((IntVector) acc0.convert(VectorOperators.F2I, 0))
                .add((IntVector) acc1.convert(VectorOperators.F2I, 0))
                .add((IntVector) acc2.convert(VectorOperators.F2I, 0))
                .add((IntVector) acc3.convert(VectorOperators.F2I, 0)).reduceLanes(VectorOperators.ADD);
    }

    /** M = Σ_j m_j·sums[sOff+j] over the block's {@code scaleGroups} scale groups. */
    static int minSum(UnpackedSuperBlock u, int scaleGroups, int[] sums, int sOff) {
        byte[] m = u.mins;
        int total = 0;
        for (int j = 0; j < scaleGroups; j++) {
            total += m[j] * sums[sOff + j];
        }
        return total;
    }

    /** The block's values {@code s_g·q_e} (exact small integers) as floats to {@code out[off..off+256)}. */
    static void widen(UnpackedSuperBlock u, int scaleGroup, float[] out, int off) {
        byte[] q = u.quants;
        for (int e = 0; e < BLOCK; e += L) {
            ((FloatVector) ByteVector.fromArray(B, q, e).convertShape(VectorOperators.B2F, F, 0))
                    .mul(u.scales[e / scaleGroup]).intoArray(out, off + e);
        }
    }

    /** Eight signed bytes as floats to {@code dst[0..8)}. */
    static void signedBytesToFloats(byte[] eight, float[] dst) {
        ((FloatVector) ByteVector.fromArray(ByteVector.SPECIES_64, eight, 0)
                .convertShape(VectorOperators.B2F, FloatVector.SPECIES_256, 0)).intoArray(dst, 0);
    }

    /** Sixteen signed bytes at {@code off} as floats to {@code dst[0..16)}. */
    static void signedBytesToFloats(MemorySegment w, long off, float[] dst) {
        ByteVector sixteen = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, off, ByteOrder.LITTLE_ENDIAN);
        for (int part = 0; part < 16 / L; part++) {
            ((FloatVector) sixteen.convertShape(VectorOperators.B2F, F, part)).intoArray(dst, part * L);
        }
    }

    /**
     * S for one block of {@link #PANEL_ROWS} widened weight rows ({@code w[i·256 ..]}) times the L batch rows of one
     * activation panel group (quants at {@code aq[aAt + e·L + lane]}): row i's L sums to {@code s[i·L ..]}. Each
     * weight is broadcast against the L batch rows; the 8 rows' partial sums stay in registers.
     */
    static void batchLaneSums(float[] w, float[] aq, int aAt, int[] s) {
        IntVector s0 = IntVector.zero(I);
        IntVector s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int c = 0; c < BLOCK; c += FLOAT_SPAN) {
            FloatVector p0 = FloatVector.zero(F);
            FloatVector p1 = p0, p2 = p0, p3 = p0, p4 = p0, p5 = p0, p6 = p0, p7 = p0;
            for (int e = c; e < c + FLOAT_SPAN; e++) {
                FloatVector x = FloatVector.fromArray(F, aq, aAt + e * L);
                p0 = FloatVector.broadcast(F, w[e]).fma(x, p0);
                p1 = FloatVector.broadcast(F, w[BLOCK + e]).fma(x, p1);
                p2 = FloatVector.broadcast(F, w[2 * BLOCK + e]).fma(x, p2);
                p3 = FloatVector.broadcast(F, w[3 * BLOCK + e]).fma(x, p3);
                p4 = FloatVector.broadcast(F, w[4 * BLOCK + e]).fma(x, p4);
                p5 = FloatVector.broadcast(F, w[5 * BLOCK + e]).fma(x, p5);
                p6 = FloatVector.broadcast(F, w[6 * BLOCK + e]).fma(x, p6);
                p7 = FloatVector.broadcast(F, w[7 * BLOCK + e]).fma(x, p7);
            }
            s0 = s0.add((IntVector) p0.convert(VectorOperators.F2I, 0));
            s1 = s1.add((IntVector) p1.convert(VectorOperators.F2I, 0));
            s2 = s2.add((IntVector) p2.convert(VectorOperators.F2I, 0));
            s3 = s3.add((IntVector) p3.convert(VectorOperators.F2I, 0));
            s4 = s4.add((IntVector) p4.convert(VectorOperators.F2I, 0));
            s5 = s5.add((IntVector) p5.convert(VectorOperators.F2I, 0));
            s6 = s6.add((IntVector) p6.convert(VectorOperators.F2I, 0));
            s7 = s7.add((IntVector) p7.convert(VectorOperators.F2I, 0));
        }
        s0.intoArray(s, 0);
        s1.intoArray(s, L);
        s2.intoArray(s, 2 * L);
        s3.intoArray(s, 3 * L);
        s4.intoArray(s, 4 * L);
        s5.intoArray(s, 5 * L);
        s6.intoArray(s, 6 * L);
        s7.intoArray(s, 7 * L);
    }

    /**
     * Adds each of the {@link #PANEL_ROWS} rows' block share, {@code (d·da)·S − (dmin·da)·M} as in
     * {@link SuperBlockFormat#blockProduct}, to {@code acc[accAt + i·accStride + lane]}: S from {@code s[i·L ..]},
     * d at {@code wd[i]}, dmin at {@code wd[PANEL_ROWS + i]}, the mins of its {@code scaleGroups} scale groups at
     * {@code wm[i·scaleGroups ..]} (null: no mins); activation scales at {@code ad[dAt + lane]}, scale group sums at
     * {@code as[sAt + j·L + lane]}. M is summed exactly in float.
     */
    static void addBlockShares(int[] s, float[] wd, float[] wm, float[] ad, int dAt, float[] as, int sAt,
            int scaleGroups, float[] acc, int accAt, int accStride) {
        FloatVector da = FloatVector.fromArray(F, ad, dAt);
        for (int i = 0; i < PANEL_ROWS; i++) {
            FloatVector sum = (FloatVector) IntVector.fromArray(I, s, i * L).convert(VectorOperators.I2F, 0);
            FloatVector p = da.mul(wd[i]).mul(sum);
            if (wm != null) {
                FloatVector m = FloatVector.zero(F);
                for (int j = 0; j < scaleGroups; j++) {
                    m = FloatVector.broadcast(F, wm[i * scaleGroups + j]).fma(FloatVector.fromArray(F, as, sAt + j * L), m);
                }
                p = p.sub(da.mul(wd[PANEL_ROWS + i]).mul(m));
            }
            int at = accAt + i * accStride;
            FloatVector.fromArray(F, acc, at).add(p).intoArray(acc, at);
        }
    }
}
