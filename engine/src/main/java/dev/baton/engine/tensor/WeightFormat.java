package dev.baton.engine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * One ggml tensor type Baton computes with: its byte layout (quantize / dequantize, exactly as ggml lays it out) and
 * the matrix kernels over it. Adding a type means adding one implementation and registering it in
 * {@link WeightFormats}.
 */
public interface WeightFormat {
    GgmlType type();

    /**
     * Encodes {@code n} floats (a multiple of the block size) from {@code src[srcOff..]} into {@code dst} at byte
     * {@code dstOff}, rounding as ggml's reference quantizer does, so files written by Baton match llama.cpp's.
     */
    void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n);

    /** Decodes {@code n} values (a multiple of the block size) starting at byte {@code srcOff} into {@code dst[dstOff..]}. */
    void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n);

    /**
     * A rows × cols matrix over {@code data}, each row {@code cols} contiguous elements (ggml ne0 = cols, ne1 = rows).
     * The segment is used in place (never copied); it must hold at least {@code rows} rows.
     */
    WeightMatrix matrix(MemorySegment data, int rows, int cols);

    /** Bytes one row of {@code cols} elements takes; {@code cols} must be a multiple of the block size. */
    default long rowBytes(int cols) {
        return type().byteSize(cols);
    }
}
