package dev.baton.engine.model;

import dev.baton.engine.tensor.WeightFormat;
import dev.baton.engine.tensor.WeightFormats;

import java.lang.foreign.MemorySegment;

/**
 * The hidden state of a step between layer ranges: {@code rows} × {@code dim} floats, row {@code r} at
 * {@code values()[r * dim]}, one row per token of the step in {@link StepBatch} row order. A stage updates it in
 * place. It serializes to little-endian F32 or BF16 — what worker stages send to each other.
 *
 * <p>Preallocated for a maximum number of rows and reused step after step.
 */
public final class Activations {
    private final int dim;
    private final float[] values;
    private int rows;

    public Activations(int maxRows, int dim) {
        if (maxRows < 1 || dim < 1) {
            throw new IllegalArgumentException("activations need at least one row and one column");
        }
        this.dim = dim;
        this.values = new float[Math.multiplyExact(maxRows, dim)];
    }

    public int dim() {
        return dim;
    }

    public int rows() {
        return rows;
    }

    public int maxRows() {
        return values.length / dim;
    }

    /** The backing array; only the first {@code rows() * dim()} values are meaningful. */
    public float[] values() {
        return values;
    }

    /** Sets how many rows are meaningful. */
    public Activations rows(int rows) {
        if (rows < 0 || rows > maxRows()) {
            throw new IllegalArgumentException(rows + " rows do not fit activations of " + maxRows() + " rows");
        }
        this.rows = rows;
        return this;
    }

    /** Bytes {@link #encode} writes for the current rows. */
    public long encodedSize(ActivationEncoding encoding) {
        return (long) rows * dim * encoding.bytesPerValue();
    }

    /** Writes the current rows to {@code dst} at {@code offset}. */
    public void encode(ActivationEncoding encoding, MemorySegment dst, long offset) {
        WeightFormats.of(encoding.type()).quantize(values, 0, dst, offset, rows * dim);
    }

    /** Reads {@code rows} rows from {@code src} at {@code offset}, replacing the contents. */
    public void decode(ActivationEncoding encoding, MemorySegment src, long offset, int rows) {
        rows(rows);
        long needed = encodedSize(encoding);
        if (offset < 0 || src.byteSize() - offset < needed) {
            throw new IllegalArgumentException(rows + " rows of " + dim + " " + encoding + " values need " + needed
                    + " bytes, the message has " + Math.max(0, src.byteSize() - offset));
        }
        WeightFormat format = WeightFormats.of(encoding.type());
        format.dequantize(src, offset, values, 0, rows * dim);
    }

    /** The current rows as a new byte array (convenient where a message needs its own bytes). */
    public byte[] toBytes(ActivationEncoding encoding) {
        byte[] bytes = new byte[Math.toIntExact(encodedSize(encoding))];
        encode(encoding, MemorySegment.ofArray(bytes), 0);
        return bytes;
    }

    /** Replaces the contents with rows read from {@code bytes}; the row count follows from the length. */
    public void fromBytes(ActivationEncoding encoding, byte[] bytes) {
        long rowBytes = (long) dim * encoding.bytesPerValue();
        if (bytes.length % rowBytes != 0) {
            throw new IllegalArgumentException(bytes.length + " bytes are not whole rows of " + dim + " "
                    + encoding + " values");
        }
        decode(encoding, MemorySegment.ofArray(bytes), 0, (int) (bytes.length / rowBytes));
    }
}
