package dev.baton.engine.gguf;

/** The metadata value types of GGUF, with their ids as stored in the file. */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 8),
    ARRAY(9, 12),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final int minBytes;

    GgufValueType(int id, int minBytes) {
        this.id = id;
        this.minBytes = minBytes;
    }

    public int id() {
        return id;
    }

    /**
     * The fewest bytes a value of this type occupies in a file: its size for fixed-size types, the length prefix for
     * strings, element type and count for arrays. Lets the reader bound a declared count by the bytes that remain.
     */
    int minBytes() {
        return minBytes;
    }

    /** True for the eight integer types (not BOOL). */
    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** Lower-case name as GGUF tools print it ({@code uint32}, {@code string}, ...). */
    public String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The type with this id, or null when the id is unknown. */
    public static GgufValueType byId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }
}
