package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** bfloat16 (the top 16 bits of an F32), little-endian; floats are rounded to nearest even. */
final class BF16Format extends FloatingFormat {
    private static final int L = KernelSpecies.LANES;
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * Short.SIZE));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, KernelSpecies.FLOAT.vectorShape());

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
        // a bf16 is the top half of its float: widen each lane and shift it up
        int i = 0;
        for (; i + L <= n; i += L) {
            ((IntVector) ShortVector.fromMemorySegment(S, src, srcOff + 2L * i, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats().intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
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
