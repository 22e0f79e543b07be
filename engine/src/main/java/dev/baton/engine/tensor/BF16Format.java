package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;

/** bfloat16 (the top 16 bits of an F32), little-endian; floats are rounded to nearest even. */
final class BF16Format extends FloatingFormat {
    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    @Override
    public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst.set(LittleEndian.SHORT, dstOff + 2L * i, HalfPrecision.toBf16(src[srcOff + i]));
        }
    }

    @Override
    public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = HalfPrecision.bf16ToFloat(src.get(LittleEndian.SHORT, srcOff + 2L * i));
        }
    }

    @Override
    void roundActivations(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = HalfPrecision.roundToBf16(src[srcOff + i]);
        }
    }
}
