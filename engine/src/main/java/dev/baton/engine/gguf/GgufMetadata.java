package dev.baton.engine.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SequencedMap;

/**
 * The key/value metadata of a GGUF file, in file order.
 * <p>
 * Values are boxed by type: UINT8, INT8, UINT16, INT16, INT32 as {@link Integer} (unsigned types widened); UINT32,
 * INT64, UINT64 as {@link Long} (a UINT64 above {@link Long#MAX_VALUE} keeps its bits and reads negative);
 * FLOAT32 {@link Float}, FLOAT64 {@link Double}, BOOL {@link Boolean}, STRING {@link String}, ARRAY {@link GgufArray}.
 * <p>
 * Every {@code getX} on a missing key or a value of the wrong type throws {@link GgufFormatException} naming the key,
 * so a model loader can read what it needs without checking first; {@code optX} returns empty only for a missing key
 * and still refuses a value of the wrong type.
 */
public final class GgufMetadata {
    /** One metadata value with its type and where it starts in the file (-1 when not read from a file). */
    record Entry(GgufValueType type, Object value, long offset) {
    }

    private final SequencedMap<String, Entry> entries;

    GgufMetadata(SequencedMap<String, Entry> entries) {
        this.entries = entries;
    }

    public int size() {
        return entries.size();
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The value type of {@code key}; throws when the key is missing. */
    public GgufValueType type(String key) {
        return entry(key).type();
    }

    /** The value of {@code key}, boxed as the class comment says; throws when the key is missing. */
    public Object get(String key) {
        return entry(key).value();
    }

    /** Byte offset of the value of {@code key} in the file, or -1 when the key is missing. */
    public long offsetOf(String key) {
        Entry e = entries.get(key);
        return e == null ? -1 : e.offset();
    }

    /** Keys and values in file order (unmodifiable). */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        entries.forEach((k, e) -> map.put(k, e.value()));
        return Collections.unmodifiableMap(map);
    }

    public String getString(String key) {
        return (String) typed(key, GgufValueType.STRING).value();
    }

    public Optional<String> optString(String key) {
        return has(key) ? Optional.of(getString(key)) : Optional.empty();
    }

    /** Any integer type, unsigned types widened; a UINT64 that does not fit a {@code long} is refused. */
    public long getLong(String key) {
        Entry e = entry(key);
        if (!e.type().isInteger()) {
            throw wrongType(key, e, "an integer");
        }
        long v = ((Number) e.value()).longValue();
        if (e.type() == GgufValueType.UINT64 && v < 0) {
            throw new GgufFormatException(e.offset(), field(key), "uint64 value " + Long.toUnsignedString(v)
                    + " does not fit a signed 64-bit integer");
        }
        return v;
    }

    public OptionalLong optLong(String key) {
        return has(key) ? OptionalLong.of(getLong(key)) : OptionalLong.empty();
    }

    /** FLOAT32, or FLOAT64 narrowed to float. */
    public float getFloat(String key) {
        Entry e = entry(key);
        if (!e.type().isFloat()) {
            throw wrongType(key, e, "a float");
        }
        return ((Number) e.value()).floatValue();
    }

    public Optional<Float> optFloat(String key) {
        return has(key) ? Optional.of(getFloat(key)) : Optional.empty();
    }

    public boolean getBoolean(String key) {
        return (Boolean) typed(key, GgufValueType.BOOL).value();
    }

    public Optional<Boolean> optBoolean(String key) {
        return has(key) ? Optional.of(getBoolean(key)) : Optional.empty();
    }

    /** The array value of {@code key}, whatever its element type. */
    public GgufArray getArray(String key) {
        return (GgufArray) typed(key, GgufValueType.ARRAY).value();
    }

    /** A copy of a string array. */
    public String[] getStringArray(String key) {
        GgufArray a = arrayOf(key, GgufValueType.STRING, "string");
        return ((String[]) a.backing()).clone();
    }

    /** A copy of a FLOAT32 array, or a FLOAT64 array narrowed to float. */
    public float[] getFloatArray(String key) {
        GgufArray a = getArray(key);
        if (a.elementType() == GgufValueType.FLOAT32) {
            return ((float[]) a.backing()).clone();
        }
        if (a.elementType() == GgufValueType.FLOAT64) {
            double[] d = (double[]) a.backing();
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        throw wrongArray(key, a, "float");
    }

    /** An array of any integer element type as ints; refuses elements that do not fit an {@code int}. */
    public int[] getIntArray(String key) {
        GgufArray a = getArray(key);
        if (!a.elementType().isInteger()) {
            throw wrongArray(key, a, "integer");
        }
        if (a.elementType() == GgufValueType.INT32) {
            return ((int[]) a.backing()).clone();
        }
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            long v = a.longAt(i);
            if (v != (int) v) {
                throw new GgufFormatException(entry(key).offset(), field(key), "element " + i + " = "
                        + (a.elementType() == GgufValueType.UINT64 ? Long.toUnsignedString(v) : v)
                        + " does not fit a 32-bit integer");
            }
            out[i] = (int) v;
        }
        return out;
    }

    @Override
    public String toString() {
        return "GgufMetadata" + asMap().keySet();
    }

    Entry entry(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            throw new GgufFormatException(-1, field(key), "missing");
        }
        return e;
    }

    /** Entries in file order, for writers copying metadata with its exact types. */
    SequencedMap<String, Entry> entries() {
        return Collections.unmodifiableSequencedMap(entries);
    }

    private Entry typed(String key, GgufValueType type) {
        Entry e = entry(key);
        if (e.type() != type) {
            throw wrongType(key, e, type.displayName());
        }
        return e;
    }

    private GgufArray arrayOf(String key, GgufValueType elementType, String wanted) {
        GgufArray a = getArray(key);
        if (a.elementType() != elementType) {
            throw wrongArray(key, a, wanted);
        }
        return a;
    }

    private GgufFormatException wrongType(String key, Entry e, String wanted) {
        return new GgufFormatException(e.offset(), field(key), "expected " + wanted + ", found "
                + e.type().displayName());
    }

    private GgufFormatException wrongArray(String key, GgufArray a, String wanted) {
        return new GgufFormatException(entry(key).offset(), field(key), "expected an array of " + wanted
                + ", found an array of " + a.elementType().displayName());
    }

    static String field(String key) {
        return "metadata " + GgufFormatException.quote(key);
    }
}
