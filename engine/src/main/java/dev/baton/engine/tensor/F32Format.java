package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;

/** 32-bit IEEE floats, little-endian. */
final class F32Format extends FloatingFormat {
    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        MemorySegment.copy(src, srcOff, dst, LittleEndian.FLOAT, dstOff, n);
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        MemorySegment.copy(src, LittleEndian.FLOAT, srcOff, dst, dstOff, n);
    }

    @Override
    void roundActivations(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        System.arraycopy(src, srcOff, dst, dstOff, n);
    }

    @Override
    boolean activationsExact() {
        return true;
    }
}
