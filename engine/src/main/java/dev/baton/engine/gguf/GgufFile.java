package dev.baton.engine.gguf;

import dev.baton.engine.tensor.GgmlType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed GGUF file (versions 2 and 3, little-endian): header, metadata, tensor table, and tensor data as read-only
 * slices of one memory mapping. Weights are never copied to the heap; files larger than 2 GiB work because all
 * offsets are {@code long}s into a {@link MemorySegment}.
 * <p>
 * Parsing trusts nothing in the file: see the package comment. Closing a file opened with {@link #open(Path)} unmaps
 * it; segments obtained from it must not be used afterwards (they throw {@link IllegalStateException}).
 */
public final class GgufFile implements AutoCloseable {
    /** Little-endian "GGUF". */
    private static final int MAGIC = 0x46554747;
    public static final int DEFAULT_ALIGNMENT = 32;
    public static final String ALIGNMENT_KEY = "general.alignment";
    /** Nested metadata arrays deeper than this are refused, so a hostile file cannot exhaust the stack. */
    private static final int MAX_ARRAY_DEPTH = 16;
    private static final int MAX_DIMENSIONS = 4;
    /** The GGUF specification's limit on metadata key length. */
    static final int MAX_KEY_BYTES = 65_535;
    /** ggml's GGML_MAX_NAME (64) less the terminating NUL: ggml cannot hold longer tensor names. */
    static final int MAX_TENSOR_NAME_BYTES = 63;
    /**
     * Metadata and tensor infos beyond this are refused. Real headers are tens of MB at most (a 256K-token vocabulary);
     * the limit bounds the heap a hostile header can claim, since decoded strings take up to 3x their bytes.
     */
    static final long MAX_HEADER_BYTES = 256L << 20;
    /** Smallest possible tensor info: name length, n_dims, one dimension, type, offset. */
    private static final int MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;
    /** Smallest possible metadata entry: key length, value type, a one-byte value. */
    private static final int MIN_METADATA_ENTRY_BYTES = 8 + 4 + 1;

    private final MemorySegment segment;
    private final Arena arena;
    private final int version;
    private final GgufMetadata metadata;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> tensorsByName;
    private final int alignment;
    private final long dataOffset;

    private GgufFile(MemorySegment segment, Arena arena) {
        this.segment = segment;
        this.arena = arena;
        GgufCursor in = new GgufCursor(segment, MAX_HEADER_BYTES);
        this.version = readHeader(in);
        long tensorCount = in.count("header.tensor_count", MIN_TENSOR_INFO_BYTES);
        long metadataCount = in.count("header.metadata_kv_count", MIN_METADATA_ENTRY_BYTES);
        this.metadata = readMetadata(in, metadataCount);
        this.alignment = readAlignment(metadata);
        List<Long> offsetFieldPositions = new ArrayList<>();
        this.tensors = readTensorInfos(in, tensorCount, alignment, offsetFieldPositions);
        this.dataOffset = alignUp(in.position(), alignment);
        checkDataRanges(tensors, offsetFieldPositions, dataOffset, segment.byteSize());
        Map<String, GgufTensorInfo> byName = new HashMap<>();
        for (GgufTensorInfo t : tensors) {
            byName.put(t.name(), t);
        }
        this.tensorsByName = byName;
    }

    /** Maps {@code path} read-only and parses it; the mapping lives until {@link #close()}. */
    public static GgufFile open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new FileSystemException(path.toString(), null, "is a directory, not a GGUF file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new GgufFile(mapped, arena);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Parses a GGUF image held in any segment (a mapping, or bytes in memory); the caller owns the segment. */
    public static GgufFile parse(MemorySegment segment) {
        return new GgufFile(segment.asReadOnly(), null);
    }

    public int version() {
        return version;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    /** Tensor infos in file order (unmodifiable). */
    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    /** The tensor's bytes, a read-only slice of the file; no copy. */
    public MemorySegment tensorData(GgufTensorInfo info) {
        if (!info.equals(tensorsByName.get(info.name()))) {
            throw new IllegalArgumentException("tensor " + info + " is not in this file");
        }
        return segment.asSlice(dataOffset + info.offset(), info.byteSize());
    }

    public int alignment() {
        return alignment;
    }

    /** Absolute file offset of the tensor data section (tensor offsets are relative to it). */
    public long dataOffset() {
        return dataOffset;
    }

    /** Size of the whole file or segment in bytes. */
    public long byteSize() {
        return segment.byteSize();
    }

    /** Unmaps a file opened with {@link #open(Path)}; does nothing for {@link #parse(MemorySegment)}. */
    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }

    private static int readHeader(GgufCursor in) {
        if (in.size() < 4) {
            throw new GgufFormatException(0, "header.magic", "not a GGUF file: only " + in.size() + " bytes");
        }
        int magic = in.i32("header.magic");
        if (magic != MAGIC) {
            throw new GgufFormatException(0, "header.magic", String.format(
                    "not a GGUF file: starts with 0x%08x, expected the bytes 'GGUF'", Integer.reverseBytes(magic)));
        }
        long version = in.u32("header.version");
        if (version == 2 || version == 3) {
            return (int) version;
        }
        String problem;
        if (version == 1) {
            problem = "GGUF version 1 is not supported (it predates 64-bit counts); versions 2 and 3 are";
        } else if (Integer.reverseBytes((int) version) == 2 || Integer.reverseBytes((int) version) == 3) {
            problem = "big-endian GGUF is not supported";
        } else {
            problem = "unsupported GGUF version " + version + " (versions 2 and 3 are supported)";
        }
        throw new GgufFormatException(4, "header.version", problem);
    }

    private static GgufMetadata readMetadata(GgufCursor in, long count) {
        LinkedHashMap<String, GgufMetadata.Entry> entries = new LinkedHashMap<>();
        for (long i = 0; i < count; i++) {
            long keyAt = in.position();
            String key = in.string("metadata[" + i + "].key", MAX_KEY_BYTES);
            if (entries.containsKey(key)) {
                throw new GgufFormatException(keyAt, "metadata[" + i + "].key", "duplicate key "
                        + GgufFormatException.quote(key));
            }
            String field = GgufMetadata.field(key);
            GgufValueType type = valueType(in, field + " type");
            long valueAt = in.position();
            Object value = readValue(in, type, field, 0);
            entries.put(key, new GgufMetadata.Entry(type, value, valueAt));
        }
        return new GgufMetadata(entries);
    }

    private static GgufValueType valueType(GgufCursor in, String field) {
        long at = in.position();
        long id = in.u32(field);
        GgufValueType type = GgufValueType.byId(id);
        if (type == null) {
            throw new GgufFormatException(at, field, "unknown value type " + id);
        }
        return type;
    }

    private static Object readValue(GgufCursor in, GgufValueType type, String field, int depth) {
        return switch (type) {
            case UINT8 -> in.u8(field);
            case INT8 -> (int) (byte) in.u8(field);
            case UINT16 -> Short.toUnsignedInt(in.i16(field));
            case INT16 -> (int) in.i16(field);
            case UINT32 -> in.u32(field);
            case INT32 -> in.i32(field);
            case UINT64, INT64 -> in.i64(field);
            case FLOAT32 -> in.f32(field);
            case FLOAT64 -> in.f64(field);
            case BOOL -> readBool(in, field);
            case STRING -> in.string(field);
            case ARRAY -> readArray(in, field, depth + 1);
        };
    }

    private static boolean readBool(GgufCursor in, String field) {
        long at = in.position();
        int b = in.u8(field);
        if (b > 1) {
            throw new GgufFormatException(at, field, "bool must be 0 or 1, found " + b);
        }
        return b == 1;
    }

    private static GgufArray readArray(GgufCursor in, String field, int depth) {
        long at = in.position();
        if (depth > MAX_ARRAY_DEPTH) {
            throw new GgufFormatException(at, field, "arrays nested deeper than " + MAX_ARRAY_DEPTH);
        }
        GgufValueType elementType = valueType(in, field + " element type");
        int n = (int) in.count(field + " element count", elementType.minBytes());
        Object values = switch (elementType) {
            case UINT8, INT8 -> bulk(in, ValueLayout.JAVA_BYTE, new byte[n], n, field);
            case UINT16, INT16 -> bulk(in, GgufCursor.I16, new short[n], n, field);
            case UINT32, INT32 -> bulk(in, GgufCursor.I32, new int[n], n, field);
            case UINT64, INT64 -> bulk(in, GgufCursor.I64, new long[n], n, field);
            case FLOAT32 -> bulk(in, GgufCursor.F32, new float[n], n, field);
            case FLOAT64 -> bulk(in, GgufCursor.F64, new double[n], n, field);
            case BOOL -> {
                boolean[] b = new boolean[n];
                for (int i = 0; i < n; i++) {
                    b[i] = readBool(in, field);
                }
                yield b;
            }
            case STRING -> {
                String[] s = new String[n];
                for (int i = 0; i < n; i++) {
                    s[i] = in.string(field);
                }
                yield s;
            }
            case ARRAY -> {
                GgufArray[] a = new GgufArray[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readArray(in, field, depth + 1);
                }
                yield a;
            }
        };
        return GgufArray.wrap(elementType, values);
    }

    private static Object bulk(GgufCursor in, ValueLayout layout, Object dst, int n, String field) {
        in.copyTo(layout, dst, n, field);
        return dst;
    }

    private static int readAlignment(GgufMetadata metadata) {
        if (!metadata.has(ALIGNMENT_KEY)) {
            return DEFAULT_ALIGNMENT;
        }
        GgufMetadata.Entry e = metadata.entry(ALIGNMENT_KEY);
        String field = GgufMetadata.field(ALIGNMENT_KEY);
        if (e.type() != GgufValueType.UINT32) {
            throw new GgufFormatException(e.offset(), field, "must be a uint32, found " + e.type().displayName());
        }
        long a = (Long) e.value();
        if (a == 0 || Long.bitCount(a) != 1 || a > (1 << 30)) {
            throw new GgufFormatException(e.offset(), field, "must be a power of two up to 2^30, found " + a);
        }
        return (int) a;
    }

    /** Reads the tensor table; records where each info's offset field sits, for error messages about its range. */
    private static List<GgufTensorInfo> readTensorInfos(GgufCursor in, long count, int alignment,
            List<Long> offsetFieldPositions) {
        List<GgufTensorInfo> infos = new ArrayList<>((int) Math.min(count, 4096));
        Map<String, Long> seen = new HashMap<>();
        for (long i = 0; i < count; i++) {
            long nameAt = in.position();
            String name = in.string("tensor_infos[" + i + "].name", MAX_TENSOR_NAME_BYTES);
            String field = tensorField(name);
            if (seen.putIfAbsent(name, nameAt) != null) {
                throw new GgufFormatException(nameAt, field + " name", "duplicate tensor name (first at offset "
                        + seen.get(name) + ")");
            }
            long dimsAt = in.position();
            long dims = in.u32(field + " n_dims");
            if (dims < 1 || dims > MAX_DIMENSIONS) {
                throw new GgufFormatException(dimsAt, field + " n_dims", "must be 1 to " + MAX_DIMENSIONS
                        + ", found " + dims);
            }
            long[] shape = new long[(int) dims];
            long elements = 1;
            for (int d = 0; d < dims; d++) {
                long at = in.position();
                long ne = in.i64(field + " ne[" + d + "]");
                if (ne < 0) {
                    throw new GgufFormatException(at, field + " ne[" + d + "]", "dimension "
                            + Long.toUnsignedString(ne) + " is out of range");
                }
                elements = multiplyOrFail(elements, ne, at, field + " shape");
                shape[d] = ne;
            }
            long typeAt = in.position();
            long typeId = in.u32(field + " type");
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) {
                throw new GgufFormatException(typeAt, field + " type", "unknown ggml type id " + typeId);
            }
            if (shape[0] % type.blockSize() != 0) {
                throw new GgufFormatException(dimsAt, field + " ne[0]", "row length " + shape[0]
                        + " is not a multiple of the " + type + " block size " + type.blockSize());
            }
            multiplyOrFail(elements / type.blockSize(), type.blockBytes(), dimsAt, field + " byte size");
            long offsetAt = in.position();
            long offset = in.i64(field + " offset");
            if (offset < 0 || offset % alignment != 0) {
                throw new GgufFormatException(offsetAt, field + " offset", "data offset "
                        + Long.toUnsignedString(offset) + " is not a non-negative multiple of the alignment " + alignment);
            }
            infos.add(new GgufTensorInfo(name, type, shape, offset));
            offsetFieldPositions.add(offsetAt);
        }
        return Collections.unmodifiableList(infos);
    }

    private static void checkDataRanges(List<GgufTensorInfo> tensors, List<Long> offsetFieldPositions, long dataOffset,
            long fileSize) {
        long dataBytes = Math.max(0, fileSize - dataOffset);
        for (int i = 0; i < tensors.size(); i++) {
            GgufTensorInfo t = tensors.get(i);
            long size = t.byteSize();
            if (t.offset() > dataBytes || size > dataBytes - t.offset()) {
                throw new GgufFormatException(offsetFieldPositions.get(i), tensorField(t.name()) + " offset",
                        "data [" + t.offset() + ", +" + size + ") lies outside the " + dataBytes
                                + "-byte data section starting at " + dataOffset);
            }
        }
    }

    private static String tensorField(String name) {
        return "tensor " + GgufFormatException.quote(name);
    }

    private static long multiplyOrFail(long a, long b, long at, String field) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if (hi != 0 || lo < 0) {
            throw new GgufFormatException(at, field, a + " x " + b + " overflows");
        }
        return lo;
    }

    private static long alignUp(long position, int alignment) {
        return (position + alignment - 1) / alignment * alignment;
    }
}
