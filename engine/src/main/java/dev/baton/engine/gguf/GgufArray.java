package dev.baton.engine.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * A GGUF metadata array: one element type and its values, held in a compact primitive array so that a 150 000-entry
 * vocabulary costs what its data costs. Integer elements keep their stored bits (unsigned types are widened on the
 * way out), so an array written back is byte-identical.
 * <p>
 * Backing arrays by element type: UINT8/INT8 {@code byte[]}, UINT16/INT16 {@code short[]}, UINT32/INT32
 * {@code int[]}, UINT64/INT64 {@code long[]}, FLOAT32 {@code float[]}, FLOAT64 {@code double[]}, BOOL
 * {@code boolean[]}, STRING {@code String[]}, ARRAY {@code GgufArray[]}.
 */
public final class GgufArray {
    private final GgufValueType elementType;
    private final Object values;
    private final int size;

    private GgufArray(GgufValueType elementType, Object values, int size) {
        this.elementType = elementType;
        this.values = values;
        this.size = size;
    }

    public static GgufArray ofStrings(String... values) {
        return new GgufArray(GgufValueType.STRING, values.clone(), values.length);
    }

    public static GgufArray ofFloats(float... values) {
        return new GgufArray(GgufValueType.FLOAT32, values.clone(), values.length);
    }

    public static GgufArray ofInts(int... values) {
        return new GgufArray(GgufValueType.INT32, values.clone(), values.length);
    }

    /**
     * Wraps a backing array of the right Java type for {@code elementType} (see the class comment); the array is
     * taken as is, not copied.
     */
    public static GgufArray wrap(GgufValueType elementType, Object values) {
        Objects.requireNonNull(values, "values");
        boolean fits = switch (elementType) {
            case UINT8, INT8 -> values instanceof byte[];
            case UINT16, INT16 -> values instanceof short[];
            case UINT32, INT32 -> values instanceof int[];
            case UINT64, INT64 -> values instanceof long[];
            case FLOAT32 -> values instanceof float[];
            case FLOAT64 -> values instanceof double[];
            case BOOL -> values instanceof boolean[];
            case STRING -> values instanceof String[];
            case ARRAY -> values instanceof GgufArray[];
        };
        if (!fits) {
            throw new IllegalArgumentException(elementType + " array cannot be backed by " + values.getClass().getSimpleName());
        }
        return new GgufArray(elementType, values, java.lang.reflect.Array.getLength(values));
    }

    public GgufValueType elementType() {
        return elementType;
    }

    public int size() {
        return size;
    }

    /** Element {@code i} boxed as {@link GgufMetadata#get} boxes scalars of the element type. */
    public Object element(int i) {
        Objects.checkIndex(i, size);
        return switch (elementType) {
            case UINT8 -> Byte.toUnsignedInt(((byte[]) values)[i]);
            case INT8 -> (int) ((byte[]) values)[i];
            case UINT16 -> Short.toUnsignedInt(((short[]) values)[i]);
            case INT16 -> (int) ((short[]) values)[i];
            case UINT32 -> Integer.toUnsignedLong(((int[]) values)[i]);
            case INT32 -> ((int[]) values)[i];
            case UINT64, INT64 -> ((long[]) values)[i];
            case FLOAT32 -> ((float[]) values)[i];
            case FLOAT64 -> ((double[]) values)[i];
            case BOOL -> ((boolean[]) values)[i];
            case STRING -> ((String[]) values)[i];
            case ARRAY -> ((GgufArray[]) values)[i];
        };
    }

    /**
     * Integer element {@code i}, unsigned types widened; a UINT64 above {@link Long#MAX_VALUE} comes back negative
     * (its stored bits). Only for integer element types.
     */
    public long longAt(int i) {
        Objects.checkIndex(i, size);
        return switch (elementType) {
            case UINT8 -> Byte.toUnsignedInt(((byte[]) values)[i]);
            case INT8 -> ((byte[]) values)[i];
            case UINT16 -> Short.toUnsignedInt(((short[]) values)[i]);
            case INT16 -> ((short[]) values)[i];
            case UINT32 -> Integer.toUnsignedLong(((int[]) values)[i]);
            case INT32 -> ((int[]) values)[i];
            case UINT64, INT64 -> ((long[]) values)[i];
            default -> throw new IllegalStateException(elementType + " array has no integer elements");
        };
    }

    /** The backing array itself (see the class comment for its Java type); callers must not modify it. */
    Object backing() {
        return values;
    }

    /** A copy of the backing array. */
    public Object toArray() {
        return switch (values) {
            case byte[] a -> a.clone();
            case short[] a -> a.clone();
            case int[] a -> a.clone();
            case long[] a -> a.clone();
            case float[] a -> a.clone();
            case double[] a -> a.clone();
            case boolean[] a -> a.clone();
            case String[] a -> a.clone();
            case GgufArray[] a -> a.clone();
            default -> throw new IllegalStateException();
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufArray other && elementType == other.elementType
                && Arrays.deepEquals(new Object[] {values}, new Object[] {other.values});
    }

    @Override
    public int hashCode() {
        return 31 * elementType.hashCode() + Arrays.deepHashCode(new Object[] {values});
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(elementType.displayName()).append('[').append(size).append("] [");
        int shown = Math.min(size, 8);
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(element(i));
        }
        return sb.append(size > shown ? ", ...]" : "]").toString();
    }
}
