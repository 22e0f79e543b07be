package dev.baton.engine.cli;

import dev.baton.engine.tensor.ComputePool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Streaming read bandwidth of this machine, measured the way decode reads weights: every byte of a buffer far larger
 * than the caches read once, front to back, by the pool's threads (each a contiguous share), with Vector API loads
 * summed into four accumulators so the adds never limit the loads. Batch-1 decode cannot beat
 * {@code bandwidth / weight bytes per token}; {@code bench} reports its speed against that bound.
 */
final class ReadBandwidthProbe {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final long BUFFER_BYTES = 512L << 20;   // far beyond any last-level cache
    private static final long SLICE_BYTES = 1L << 20;      // the unit of work the threads share
    private static final int PASSES = 5;

    private ReadBandwidthProbe() {
    }

    /** The best of several passes over a 512 MiB off-heap buffer, in GB/s (10^9 bytes per second). */
    static double measureGigabytesPerSecond(ComputePool pool) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(BUFFER_BYTES, 64);
            // writing every page first keeps page faults out of the timed reads
            buffer.fill((byte) 1);
            int slices = (int) (BUFFER_BYTES / SLICE_BYTES);
            float[] sums = new float[slices];    // stored, so the reads cannot be optimized away
            ComputePool.RangeTask read = (from, to) -> {
                for (int s = from; s < to; s++) {
                    sums[s] = sum(buffer, s * SLICE_BYTES, SLICE_BYTES);
                }
            };
            warmUp(buffer, sums);
            long best = Long.MAX_VALUE;
            for (int pass = 0; pass < PASSES; pass++) {
                long start = System.nanoTime();
                pool.parallelFor(slices, read);
                best = Math.min(best, System.nanoTime() - start);
            }
            return BUFFER_BYTES / (double) best;
        }
    }

    /** Enough calls on one slice for the JIT to compile {@link #sum}; interpreted Vector API code is very slow. */
    private static void warmUp(MemorySegment buffer, float[] sink) {
        for (int i = 0; i < 3_000; i++) {
            sink[i % sink.length] += sum(buffer, 0, 64 << 10);
        }
    }

    private static float sum(MemorySegment segment, long offset, long bytes) {
        long step = SPECIES.vectorByteSize();
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        for (long p = offset, end = offset + bytes; p < end; p += 4 * step) {
            a0 = a0.add(FloatVector.fromMemorySegment(SPECIES, segment, p, order));
            a1 = a1.add(FloatVector.fromMemorySegment(SPECIES, segment, p + step, order));
            a2 = a2.add(FloatVector.fromMemorySegment(SPECIES, segment, p + 2 * step, order));
            a3 = a3.add(FloatVector.fromMemorySegment(SPECIES, segment, p + 3 * step, order));
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }
}
