package dev.baton.engine.gguf;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** Builds GGUF bytes field by field, so tests can craft files no honest writer would produce. */
final class RawGguf {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Magic, version and the two counts. */
    static RawGguf header(long version, long tensorCount, long metadataCount) {
        RawGguf g = new RawGguf();
        g.out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        return g.u32(version).u64(tensorCount).u64(metadataCount);
    }

    RawGguf u8(int v) {
        out.write(v);
        return this;
    }

    RawGguf u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    RawGguf u64(long v) {
        return u32(v).u32(v >>> 32);
    }

    RawGguf f32(float v) {
        return u32(Float.floatToRawIntBits(v));
    }

    RawGguf str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        out.writeBytes(b);
        return this;
    }

    /** A metadata entry's key and value type; the caller writes the value. */
    RawGguf key(String key, GgufValueType type) {
        return str(key).u32(type.id());
    }

    /** A tensor info. */
    RawGguf tensor(String name, int ggmlType, long offset, long... shape) {
        str(name).u32(shape.length);
        for (long d : shape) {
            u64(d);
        }
        return u32(ggmlType).u64(offset);
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    RawGguf pad(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return this;
    }

    RawGguf zeros(int n) {
        out.writeBytes(new byte[n]);
        return this;
    }

    int size() {
        return out.size();
    }

    MemorySegment segment() {
        return MemorySegment.ofArray(out.toByteArray());
    }
}
