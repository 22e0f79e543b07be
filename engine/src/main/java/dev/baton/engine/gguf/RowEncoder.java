package dev.baton.engine.gguf;

import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.WeightFormat;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Streams a tensor into a {@link GgufWriter} from rows of floats: a chunk of rows at a time is produced and encoded
 * in parallel into one buffer, then written, so memory stays at one chunk whatever the tensor's size. Each row's
 * bytes depend only on that row, so the output is the same for any thread count.
 */
final class RowEncoder {
    /** Produces row {@code row} of a tensor as floats into {@code dst[0..rowLength)}; called from several threads. */
    @FunctionalInterface
    interface RowSource {
        void read(long row, float[] dst);
    }

    private static final long CHUNK_ELEMENTS = 4L << 20;

    private RowEncoder() {
    }

    static void encode(GgufWriter.TensorSink sink, WeightFormat format, long rows, int rowLength, RowSource source,
            ComputePool pool) throws IOException {
        long rowBytes = format.rowBytes(rowLength);
        int rowsPerChunk = (int) Math.max(1, Math.min(rows, CHUNK_ELEMENTS / rowLength));
        MemorySegment chunk = MemorySegment.ofArray(new byte[Math.toIntExact(rowsPerChunk * rowBytes)]);
        for (long first = 0; first < rows; first += rowsPerChunk) {
            long chunkFirst = first;
            int n = (int) Math.min(rowsPerChunk, rows - first);
            pool.parallelFor(n, (from, to) -> {
                float[] row = new float[rowLength];
                for (int r = from; r < to; r++) {
                    source.read(chunkFirst + r, row);
                    format.quantize(row, 0, chunk, r * rowBytes, rowLength);
                }
            });
            sink.write(chunk.asSlice(0, n * rowBytes));
        }
    }
}
