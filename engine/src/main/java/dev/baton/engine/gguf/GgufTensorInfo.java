package dev.baton.engine.gguf;

import dev.baton.engine.tensor.GgmlType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor's entry in a GGUF file's tensor table.
 *
 * @param shape  dimensions in ggml order: {@code shape[0]} (ne0) is the row length, the contiguous dimension
 * @param offset start of the tensor's bytes relative to the data section
 */
public record GgufTensorInfo(String name, GgmlType type, long[] shape, long offset) {
    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (shape.length < 1 || shape.length > 4) {
            throw new IllegalArgumentException("tensor " + name + ": 1 to 4 dimensions, got " + shape.length);
        }
        shape = shape.clone();
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + name + ": negative dimension in " + Arrays.toString(shape));
            }
            elements = Math.multiplyExact(elements, d);
        }
        if (shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor " + name + ": row length " + shape[0]
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        type.byteSize(elements); // overflow check
        if (offset < 0) {
            throw new IllegalArgumentException("tensor " + name + ": negative offset " + offset);
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int dimensions() {
        return shape.length;
    }

    /** Dimension {@code i} in ggml order, 1 past the stored dimensions. */
    public long dim(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d; // cannot overflow: checked on construction
        }
        return n;
    }

    public long byteSize() {
        return type.byteSize(elementCount());
    }

    /** Number of rows: the product of {@code shape[1..]}; throws {@link ArithmeticException} past an int. */
    public int rows() {
        long rows = 1;
        for (int i = 1; i < shape.length; i++) {
            rows *= shape[i];
        }
        return Math.toIntExact(rows);
    }

    /** Elements per row, {@code shape[0]}; throws {@link ArithmeticException} past an int. */
    public int rowLength() {
        return Math.toIntExact(shape[0]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && type == t.type
                && Arrays.equals(shape, t.shape) && offset == t.offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape), offset);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape) + " @" + offset;
    }
}
