package dev.baton.engine.gguf;

import dev.baton.engine.tensor.GgmlType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a GGUF v3 file as a stream: declare metadata (typed, in order) and tensor infos, then hand over each
 * tensor's bytes in declaration order. Tensor data passes through a small buffer straight to the file, so a model far
 * larger than the heap can be written. Layout follows ggml: header, tensor infos, padding to the alignment, then each
 * tensor padded to the alignment.
 * <p>
 * The file appears at its path only when {@link #close()} finds every tensor written; until then it is a temporary
 * sibling, deleted if writing fails or is abandoned.
 */
public final class GgufWriter implements AutoCloseable {
    /** Produces one tensor's bytes, in order, into a sink. */
    @FunctionalInterface
    public interface TensorSource {
        void writeTo(TensorSink sink) throws IOException;
    }

    /** Where a {@link TensorSource} puts a tensor's bytes. */
    public interface TensorSink {
        void write(MemorySegment bytes) throws IOException;

        default void write(byte[] bytes, int offset, int length) throws IOException {
            write(MemorySegment.ofArray(bytes).asSlice(offset, length));
        }
    }

    private static final int BUFFER_BYTES = 1 << 20;
    private static final long MAX_CHUNK = 1L << 30;

    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    /** The whole of {@link #buffer} as a segment, whatever the buffer's position. */
    private final MemorySegment bufferMemory = MemorySegment.ofBuffer(buffer);
    private final Map<String, GgufMetadata.Entry> metadata = new LinkedHashMap<>();
    private final List<GgufTensorInfo> tensors = new ArrayList<>();
    private long nextTensorOffset;
    private int written = -1; // -1 until the header is out, then the number of tensors whose data is written
    private boolean failed;
    private boolean closed;

    private GgufWriter(Path target) throws IOException {
        this.target = target;
        this.temporary = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid()
                + ".partial");
        this.channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Starts writing {@code target} (replaced on success). */
    public static GgufWriter create(Path target) throws IOException {
        return new GgufWriter(target);
    }

    /**
     * Sets metadata {@code key} to {@code value} of {@code type}. A key set again keeps its first position. Value
     * classes: any {@link Number} for integer and float types (range-checked), {@link Boolean}, {@link String},
     * {@link GgufArray}.
     */
    public GgufWriter put(String key, GgufValueType type, Object value) {
        requireHeaderOpen();
        Objects.requireNonNull(key, "key");
        if (key.getBytes(StandardCharsets.UTF_8).length > GgufFile.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("metadata key longer than " + GgufFile.MAX_KEY_BYTES + " bytes");
        }
        if (key.equals(GgufFile.ALIGNMENT_KEY) && !tensors.isEmpty()) {
            throw new IllegalStateException("set " + key + " before declaring tensors: their offsets depend on it");
        }
        metadata.put(key, new GgufMetadata.Entry(type, checkedValue(key, type, value), -1));
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValueType.STRING, value);
    }

    public GgufWriter putUint32(String key, long value) {
        return put(key, GgufValueType.UINT32, value);
    }

    public GgufWriter putInt32(String key, int value) {
        return put(key, GgufValueType.INT32, value);
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValueType.FLOAT32, value);
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValueType.BOOL, value);
    }

    public GgufWriter putArray(String key, GgufArray value) {
        return put(key, GgufValueType.ARRAY, value);
    }

    /** Copies every entry of {@code source}, with its exact type, in order. */
    public GgufWriter putAll(GgufMetadata source) {
        source.entries().forEach((k, e) -> put(k, e.type(), e.value()));
        return this;
    }

    public GgufWriter remove(String key) {
        requireHeaderOpen();
        metadata.remove(key);
        return this;
    }

    /** Declares the next tensor; its data offset follows the previous tensor's, aligned. */
    public GgufTensorInfo addTensor(String name, GgmlType type, long... shape) {
        requireHeaderOpen();
        if (name.getBytes(StandardCharsets.UTF_8).length > GgufFile.MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name " + name + " is longer than ggml's "
                    + GgufFile.MAX_TENSOR_NAME_BYTES + " bytes");
        }
        if (tensors.stream().anyMatch(t -> t.name().equals(name))) {
            throw new IllegalArgumentException("duplicate tensor name " + name);
        }
        GgufTensorInfo info = new GgufTensorInfo(name, type, shape, nextTensorOffset);
        nextTensorOffset = Math.addExact(nextTensorOffset, padded(info.byteSize()));
        tensors.add(info);
        return info;
    }

    /** Writes the next tensor's bytes (which must be exactly its {@link GgufTensorInfo#byteSize()}). */
    public void writeTensor(String name, MemorySegment bytes) throws IOException {
        writeTensor(name, sink -> sink.write(bytes));
    }

    /** Writes the next tensor's bytes as {@code source} produces them; the tensors go in declaration order. */
    public void writeTensor(String name, TensorSource source) throws IOException {
        if (written < 0) {
            writeHeader();
        }
        if (written >= tensors.size()) {
            throw new IllegalStateException("all " + tensors.size() + " declared tensors are already written");
        }
        GgufTensorInfo info = tensors.get(written);
        if (!info.name().equals(name)) {
            throw new IllegalStateException("next tensor to write is " + info.name() + ", not " + name);
        }
        long[] count = {0};
        boolean ok = false;
        try {
            source.writeTo(bytes -> {
                if (count[0] + bytes.byteSize() > info.byteSize()) {
                    throw new IllegalStateException("tensor " + name + " is " + info.byteSize()
                            + " bytes; the source wrote more");
                }
                count[0] += bytes.byteSize();
                append(bytes);
            });
            if (count[0] != info.byteSize()) {
                throw new IllegalStateException("tensor " + name + " is " + info.byteSize() + " bytes; the source wrote "
                        + count[0]);
            }
            ok = true;
        } finally {
            failed |= !ok;
        }
        appendZeros(padded(info.byteSize()) - info.byteSize());
        written++;
    }

    /** Declared tensors in order, with their assigned offsets. */
    public List<GgufTensorInfo> tensors() {
        return List.copyOf(tensors);
    }

    /**
     * Finishes the file and moves it into place when every declared tensor was written; otherwise deletes the
     * partial file (and, unless writing already failed, reports the missing tensors).
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        boolean complete = false;
        try {
            if (!failed && tensors.isEmpty() && written < 0) {
                writeHeader();
            }
            complete = !failed && written == tensors.size();
            if (complete) {
                flush();
                channel.force(false);
            }
        } finally {
            channel.close();
            if (complete) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.deleteIfExists(temporary);
            }
        }
        if (!complete && !failed) {
            throw new IllegalStateException("GGUF " + target + " not written: only " + Math.max(written, 0) + " of "
                    + tensors.size() + " tensors were given data");
        }
    }

    private int alignment() {
        GgufMetadata.Entry a = metadata.get(GgufFile.ALIGNMENT_KEY);
        return a == null ? GgufFile.DEFAULT_ALIGNMENT : (int) ((Number) a.value()).longValue();
    }

    private long padded(long size) {
        int alignment = alignment();
        return (size + alignment - 1) / alignment * alignment;
    }

    private void requireHeaderOpen() {
        if (written >= 0 || closed) {
            throw new IllegalStateException("metadata and tensor infos are fixed once tensor data is written");
        }
    }

    private void writeHeader() throws IOException {
        GgufMetadata.Entry a = metadata.get(GgufFile.ALIGNMENT_KEY);
        if (a != null && (a.type() != GgufValueType.UINT32 || Long.bitCount(((Number) a.value()).longValue()) != 1)) {
            throw new IllegalStateException(GgufFile.ALIGNMENT_KEY + " must be a uint32 power of two");
        }
        HeaderBytes h = new HeaderBytes();
        h.u32(0x46554747).u32(3).u64(tensors.size()).u64(metadata.size());
        metadata.forEach((key, e) -> {
            h.string(key).u32(e.type().id());
            h.value(e.type(), e.value());
        });
        for (GgufTensorInfo t : tensors) {
            h.string(t.name()).u32(t.dimensions());
            for (long d : t.shape()) {
                h.u64(d);
            }
            h.u32(t.type().id()).u64(t.offset());
        }
        byte[] header = h.toByteArray();
        append(MemorySegment.ofArray(header));
        if (!tensors.isEmpty()) { // a vocabulary-only file has no data section to align
            appendZeros(padded(header.length) - header.length);
        }
        written = 0;
    }

    private void append(MemorySegment bytes) throws IOException {
        long size = bytes.byteSize();
        if (size >= BUFFER_BYTES) {
            flush();
            for (long at = 0; at < size; at += MAX_CHUNK) {
                ByteBuffer chunk = bytes.asSlice(at, Math.min(MAX_CHUNK, size - at)).asByteBuffer();
                while (chunk.hasRemaining()) {
                    channel.write(chunk);
                }
            }
            return;
        }
        if (size > buffer.remaining()) {
            flush();
        }
        bufferMemory.asSlice(buffer.position(), size).copyFrom(bytes);
        buffer.position(buffer.position() + (int) size);
    }

    private void appendZeros(long n) throws IOException {
        if (n > 0) {
            append(MemorySegment.ofArray(new byte[(int) n]));
        }
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private static Object checkedValue(String key, GgufValueType type, Object value) {
        Objects.requireNonNull(value, () -> "value of " + key);
        String problem = switch (type) {
            case UINT8 -> integerIn(value, 0, 0xFF);
            case INT8 -> integerIn(value, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case UINT16 -> integerIn(value, 0, 0xFFFF);
            case INT16 -> integerIn(value, Short.MIN_VALUE, Short.MAX_VALUE);
            case UINT32 -> integerIn(value, 0, 0xFFFF_FFFFL);
            case INT32 -> integerIn(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case UINT64, INT64 -> integerIn(value, Long.MIN_VALUE, Long.MAX_VALUE);
            case FLOAT32, FLOAT64 -> value instanceof Float || value instanceof Double ? null : "a float";
            case BOOL -> value instanceof Boolean ? null : "a Boolean";
            case STRING -> value instanceof String ? null : "a String";
            case ARRAY -> value instanceof GgufArray ? null : "a GgufArray";
        };
        if (problem != null) {
            throw new IllegalArgumentException("metadata " + key + ": a " + type.displayName() + " value must be "
                    + problem + ", got " + value + " (" + value.getClass().getSimpleName() + ")");
        }
        return value;
    }

    private static String integerIn(Object value, long min, long max) {
        if (!(value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)) {
            return "an integer";
        }
        long v = ((Number) value).longValue();
        return v < min || v > max ? "in [" + min + ", " + max + "]" : null;
    }

    /** The header and tensor table, built in memory (small next to the tensor data). */
    private static final class HeaderBytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);

        HeaderBytes u8(int v) {
            out.write(v);
            return this;
        }

        HeaderBytes u16(int v) {
            return u8(v).u8(v >>> 8);
        }

        HeaderBytes u32(long v) {
            return u16((int) v).u16((int) (v >>> 16));
        }

        HeaderBytes u64(long v) {
            return u32(v).u32(v >>> 32);
        }

        HeaderBytes string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            out.writeBytes(b);
            return this;
        }

        void value(GgufValueType type, Object v) {
            switch (type) {
                case UINT8, INT8, BOOL -> u8(v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).intValue());
                case UINT16, INT16 -> u16(((Number) v).intValue());
                case UINT32, INT32 -> u32(((Number) v).longValue());
                case UINT64, INT64 -> u64(((Number) v).longValue());
                case FLOAT32 -> u32(Float.floatToRawIntBits(((Number) v).floatValue()));
                case FLOAT64 -> u64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
                case STRING -> string((String) v);
                case ARRAY -> array((GgufArray) v);
            }
        }

        private void array(GgufArray a) {
            u32(a.elementType().id()).u64(a.size());
            switch (a.backing()) {
                case byte[] x -> out.writeBytes(x);
                case short[] x -> {
                    for (short s : x) {
                        u16(s);
                    }
                }
                case int[] x -> {
                    for (int i : x) {
                        u32(i);
                    }
                }
                case long[] x -> {
                    for (long l : x) {
                        u64(l);
                    }
                }
                case float[] x -> {
                    for (float f : x) {
                        u32(Float.floatToRawIntBits(f));
                    }
                }
                case double[] x -> {
                    for (double d : x) {
                        u64(Double.doubleToRawLongBits(d));
                    }
                }
                case boolean[] x -> {
                    for (boolean b : x) {
                        u8(b ? 1 : 0);
                    }
                }
                case String[] x -> {
                    for (String s : x) {
                        string(s);
                    }
                }
                case GgufArray[] x -> {
                    for (GgufArray n : x) {
                        array(n);
                    }
                }
                default -> throw new IllegalStateException();
            }
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
