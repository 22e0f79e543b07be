package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;

/** IEEE half precision, little-endian; floats are rounded to nearest even. */
final class F16Format extends FloatingFormat {
    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst.set(LittleEndian.SHORT, dstOff + 2L * i, Float.floatToFloat16(src[srcOff + i]));
        }
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Float.float16ToFloat(src.get(LittleEndian.SHORT, srcOff + 2L * i));
        }
    }

    @Override
    void roundActivations(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = HalfPrecision.roundToF16(src[srcOff + i]);
        }
    }
}
