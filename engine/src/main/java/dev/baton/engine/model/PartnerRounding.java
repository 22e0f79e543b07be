package dev.baton.engine.model;

import dev.baton.engine.tensor.GgmlType;
import dev.baton.engine.tensor.WeightFormat;
import dev.baton.engine.tensor.WeightFormats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Rounds F32 values to what a storage type can hold, in place, by a trip through that type's own conversion (the
 * kernels' quantize and dequantize). F32 is left alone. Each of {@code lanes} concurrent users has its own scratch.
 */
final class PartnerRounding {
    private final WeightFormat format;
    private final MemorySegment[] scratch;

    PartnerRounding(GgmlType type, int lanes, int maxValues) {
        this.format = type == GgmlType.F32 ? null : WeightFormats.of(type);
        this.scratch = new MemorySegment[format == null ? 0 : lanes];
        for (int i = 0; i < scratch.length; i++) {
            scratch[i] = Arena.ofAuto().allocate(type.byteSize(maxValues), 64);
        }
    }

    /** Rounds {@code x[offset, offset + n)} using scratch {@code lane}. */
    void round(int lane, float[] x, int offset, int n) {
        if (format != null) {
            format.quantize(x, offset, scratch[lane], 0, n);
            format.dequantize(scratch[lane], 0, x, offset, n);
        }
    }
}
