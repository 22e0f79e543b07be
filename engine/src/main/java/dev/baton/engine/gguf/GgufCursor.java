package dev.baton.engine.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A read position in a GGUF segment. Every read first checks that its bytes exist, so a truncated or lying file
 * becomes a {@link GgufFormatException} at the field that ran out, never an out-of-bounds error.
 */
final class GgufCursor {
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Largest Java array we will allocate for one metadata array or string (JVMs refuse a few below MAX_VALUE). */
    private static final long MAX_JAVA_ARRAY = Integer.MAX_VALUE - 16;

    private final MemorySegment segment;
    private final long size;
    /** Reads stop here: the end of the segment, or the header size limit when that comes first. */
    private final long limit;
    private long pos;

    /** A cursor that reads at most {@code maxBytes} from the start of {@code segment}. */
    GgufCursor(MemorySegment segment, long maxBytes) {
        this.segment = segment;
        this.size = segment.byteSize();
        this.limit = Math.min(size, maxBytes);
    }

    long position() {
        return pos;
    }

    long size() {
        return size;
    }

    long remaining() {
        return limit - pos;
    }

    /** Fails unless {@code n} more bytes exist (within the limit). */
    void need(long n, String field) {
        if (n < 0 || n > limit - pos) {
            throw new GgufFormatException(pos, field, "needs " + (n < 0 ? Long.toUnsignedString(n) : n)
                    + " bytes but " + shortfall());
        }
    }

    private String shortfall() {
        String why = limit < size ? "GGUF headers larger than " + limit + " bytes are refused"
                : "truncated or corrupt file";
        return "only " + (limit - pos) + " bytes remain (" + why + ")";
    }

    int u8(String field) {
        need(1, field);
        return Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, pos++));
    }

    short i16(String field) {
        need(2, field);
        short v = segment.get(I16, pos);
        pos += 2;
        return v;
    }

    int i32(String field) {
        need(4, field);
        int v = segment.get(I32, pos);
        pos += 4;
        return v;
    }

    long u32(String field) {
        return Integer.toUnsignedLong(i32(field));
    }

    long i64(String field) {
        need(8, field);
        long v = segment.get(I64, pos);
        pos += 8;
        return v;
    }

    float f32(String field) {
        need(4, field);
        float v = segment.get(F32, pos);
        pos += 4;
        return v;
    }

    double f64(String field) {
        need(8, field);
        double v = segment.get(F64, pos);
        pos += 8;
        return v;
    }

    /**
     * A u64 count of items that each take at least {@code minBytesEach} bytes; refused when the remaining bytes
     * cannot hold that many, so nothing is ever allocated from a declared count alone.
     */
    long count(String field, long minBytesEach) {
        long at = pos;
        long n = i64(field);
        if (n < 0 || n > remaining() / minBytesEach) {
            throw new GgufFormatException(at, field, "count " + Long.toUnsignedString(n) + " needs at least "
                    + minBytesEach + " bytes each but " + shortfall());
        }
        if (n > MAX_JAVA_ARRAY) {
            throw new GgufFormatException(at, field, "count " + n + " is too large");
        }
        return n;
    }

    String string(String field) {
        return string(field, Long.MAX_VALUE);
    }

    /** A string of at most {@code maxBytes} bytes. */
    String string(String field, long maxBytes) {
        long at = pos;
        int n = (int) count(field, 1);
        if (n > maxBytes) {
            throw new GgufFormatException(at, field, "length " + n + " exceeds the limit of " + maxBytes + " bytes");
        }
        byte[] bytes = new byte[n];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, pos, bytes, 0, n);
        pos += n;
        if (n == 0) {
            return "";
        }
        // GGUF strings are UTF-8 by the spec; malformed bytes decode to U+FFFD rather than refusing a whole vocabulary.
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Bulk copies {@code n} elements of {@code layout} into {@code dst}, which must be of the layout's carrier type. */
    void copyTo(ValueLayout layout, Object dst, int n, String field) {
        long bytes = (long) n * layout.byteSize();
        need(bytes, field);
        MemorySegment.copy(segment, layout, pos, dst, 0, n);
        pos += bytes;
    }
}
