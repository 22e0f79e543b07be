package dev.baton.engine.tensor;

import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The masks and shuffles of a transposing add tree over 16-lane float vectors, shared by the kernels that sum 16
 * accumulators at once: level h takes lane i from one vector where bit h of i is clear and from the other where it is
 * set, and adds lane i^h ({@code a.blend(b, UPPER).add(b.blend(a, UPPER).rearrange(SWAP))}), so four levels turn 16
 * vectors into one whose lanes are their sums. Null where the kernel species is not 16 lanes (those kernels take their
 * plain path). The kernels write each fold out rather than call a helper: see {@link Q8PartneredMatrix} on why vectors
 * never cross a call to our own code.
 */
final class LaneFold {
    private static final VectorSpecies<Float> F = KernelSpecies.FLOAT;
    private static final boolean SIXTEEN_LANES = KernelSpecies.LANES == 16;
    static final VectorMask<Float> UPPER8 = SIXTEEN_LANES ? VectorMask.fromLong(F, 0xFF00L) : null;
    static final VectorMask<Float> UPPER4 = SIXTEEN_LANES ? VectorMask.fromLong(F, 0xF0F0L) : null;
    static final VectorMask<Float> UPPER2 = SIXTEEN_LANES ? VectorMask.fromLong(F, 0xCCCCL) : null;
    static final VectorMask<Float> UPPER1 = SIXTEEN_LANES ? VectorMask.fromLong(F, 0xAAAAL) : null;
    static final VectorShuffle<Float> SWAP8 = SIXTEEN_LANES ? VectorShuffle.fromOp(F, i -> i ^ 8) : null;
    static final VectorShuffle<Float> SWAP4 = SIXTEEN_LANES ? VectorShuffle.fromOp(F, i -> i ^ 4) : null;
    static final VectorShuffle<Float> SWAP2 = SIXTEEN_LANES ? VectorShuffle.fromOp(F, i -> i ^ 2) : null;
    static final VectorShuffle<Float> SWAP1 = SIXTEEN_LANES ? VectorShuffle.fromOp(F, i -> i ^ 1) : null;

    private LaneFold() {
    }
}
