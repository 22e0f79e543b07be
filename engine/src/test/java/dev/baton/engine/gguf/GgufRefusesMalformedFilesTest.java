package dev.baton.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufRefusesMalformedFilesTest {
    private static final int F32 = 0;
    private static final int Q8_0 = 8;

    private static GgufFormatException refused(RawGguf g, String fieldPart, String messagePart) {
        return refused(g.segment(), fieldPart, messagePart);
    }

    private static GgufFormatException refused(MemorySegment s, String fieldPart, String messagePart) {
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.parse(s));
        assertTrue(e.field().contains(fieldPart), "field: " + e.field() + " / " + e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + e.offset()), e.getMessage());
        return e;
    }

    @Test
    void aMinimalFileParses() {
        RawGguf g = RawGguf.header(3, 1, 1).key("general.architecture", GgufValueType.STRING).str("llama")
                .tensor("w", F32, 0, 4, 2).pad(32).zeros(32);
        GgufFile f = GgufFile.parse(g.segment());
        assertEquals(32, f.tensorData(f.tensors().getFirst()).byteSize());
        assertEquals("llama", f.metadata().getString("general.architecture"));
    }

    @Test
    void versionOneAndBigEndianAndForeignFilesAreRefused() {
        refused(RawGguf.header(1, 0, 0), "header.version", "version 1 is not supported");
        refused(RawGguf.header(Integer.reverseBytes(3), 0, 0), "header.version", "big-endian");
        refused(RawGguf.header(4, 0, 0), "header.version", "unsupported GGUF version 4");
        refused(MemorySegment.ofArray("PK\3\4 not gguf".getBytes()), "header.magic", "not a GGUF file");
        refused(MemorySegment.ofArray(new byte[2]), "header.magic", "not a GGUF file");
    }

    @Test
    void hugeCountsAndLengthsAreRefusedBeforeAllocating() {
        refused(RawGguf.header(3, -1L, 0), "header.tensor_count", "count 18446744073709551615");
        refused(RawGguf.header(3, 0, 1L << 40), "header.metadata_kv_count", "bytes remain");
        GgufFormatException e = refused(RawGguf.header(3, 0, 1).u64(Long.MAX_VALUE).zeros(20), "metadata[0].key",
                "bytes remain");
        assertEquals(24, e.offset());
        refused(RawGguf.header(3, 0, 1).key("a", GgufValueType.ARRAY).u32(GgufValueType.UINT64.id())
                .u64(1L << 31).zeros(64), "metadata 'a' element count", "bytes remain");
        refused(RawGguf.header(3, 0, 1).key("a", GgufValueType.ARRAY).u32(GgufValueType.STRING.id())
                .u64(100).u64(0).u64(1L << 62), "metadata 'a'", "bytes remain");
    }

    @Test
    void unknownTypesAndBadValuesAreRefused() {
        refused(RawGguf.header(3, 0, 1).key("k", GgufValueType.STRING).zeros(0).u32(0), "metadata 'k'", "bytes");
        refused(RawGguf.header(3, 0, 1).str("k").u32(13).u32(0), "metadata 'k' type", "unknown value type 13");
        refused(RawGguf.header(3, 0, 1).key("b", GgufValueType.BOOL).u8(7), "metadata 'b'", "bool must be 0 or 1");
        refused(RawGguf.header(3, 0, 2).key("k", GgufValueType.UINT8).u8(1).key("k", GgufValueType.UINT8).u8(2),
                "metadata[1].key", "duplicate key 'k'");
        refused(RawGguf.header(3, 1, 0).tensor("w", 99, 0, 32).pad(32).zeros(128), "tensor 'w' type",
                "unknown ggml type id 99");
    }

    @Test
    void deeplyNestedArraysAreRefused() {
        RawGguf g = RawGguf.header(3, 0, 1).key("deep", GgufValueType.ARRAY);
        for (int i = 0; i < 40; i++) {
            g.u32(GgufValueType.ARRAY.id()).u64(1);
        }
        g.u32(GgufValueType.UINT8.id()).u64(0);
        refused(g, "metadata 'deep'", "nested deeper");
    }

    @Test
    void nestedArraysWithinTheLimitParse() {
        RawGguf g = RawGguf.header(3, 0, 1).key("nested", GgufValueType.ARRAY).u32(GgufValueType.ARRAY.id()).u64(2)
                .u32(GgufValueType.INT32.id()).u64(2).u32(1).u32(-2)
                .u32(GgufValueType.STRING.id()).u64(1).str("x");
        GgufArray a = GgufFile.parse(g.segment()).metadata().getArray("nested");
        assertEquals(2, a.size());
        assertEquals(GgufArray.ofInts(1, -2), a.element(0));
        assertEquals(GgufArray.ofStrings("x"), a.element(1));
    }

    @Test
    void badTensorInfosAreRefused() {
        refused(RawGguf.header(3, 2, 0).tensor("w", F32, 0, 8).tensor("w", F32, 32, 8).pad(32).zeros(64),
                "tensor 'w' name", "duplicate tensor name");
        refused(RawGguf.header(3, 1, 0).tensor("w", F32, 0).pad(32).zeros(32), "tensor 'w' n_dims", "must be 1 to 4");
        refused(RawGguf.header(3, 1, 0).tensor("w", F32, 0, 1, 1, 1, 1, 1).pad(32), "tensor 'w' n_dims", "5");
        refused(RawGguf.header(3, 1, 0).tensor("w", F32, 0, -5L).pad(32), "tensor 'w' ne[0]", "out of range");
        refused(RawGguf.header(3, 1, 0).tensor("w", F32, 0, 1L << 40, 1L << 40).pad(32), "tensor 'w' shape",
                "overflows");
        refused(RawGguf.header(3, 1, 0).tensor("w", F32, 0, 1L << 62).pad(32), "tensor 'w' byte size", "overflows");
        refused(RawGguf.header(3, 1, 0).tensor("w", Q8_0, 0, 33).pad(32).zeros(64), "tensor 'w' ne[0]",
                "not a multiple of the Q8_0 block size 32");
        refused(RawGguf.header(3, 1, 0).tensor("w", F32, 16, 4).pad(32).zeros(64), "tensor 'w' offset",
                "alignment 32");
        refused(RawGguf.header(3, 1, 0).tensor("w", F32, 32, 16).pad(32).zeros(64), "tensor 'w' offset",
                "outside the 64-byte data section");
        refused(RawGguf.header(3, 1, 0).tensor("w", F32, -32, 16).pad(32).zeros(64), "tensor 'w' offset",
                "not a non-negative multiple");
    }

    @Test
    void alignmentMustBeAPowerOfTwoUint32() {
        refused(RawGguf.header(3, 0, 1).key("general.alignment", GgufValueType.UINT32).u32(48),
                "metadata 'general.alignment'", "power of two");
        refused(RawGguf.header(3, 0, 1).key("general.alignment", GgufValueType.UINT32).u32(0),
                "metadata 'general.alignment'", "power of two");
        refused(RawGguf.header(3, 0, 1).key("general.alignment", GgufValueType.UINT64).u64(64),
                "metadata 'general.alignment'", "must be a uint32");
        RawGguf ok = RawGguf.header(3, 1, 1).key("general.alignment", GgufValueType.UINT32).u32(64)
                .tensor("w", F32, 0, 16).pad(64).zeros(64);
        GgufFile f = GgufFile.parse(ok.segment());
        assertEquals(64, f.alignment());
        assertEquals(0, f.dataOffset() % 64);
    }

    @Test
    void headersBeyondTheLimitAreRefused(@TempDir Path tmp) throws IOException {
        long stringBytes = GgufFile.MAX_HEADER_BYTES + 1024;
        RawGguf header = RawGguf.header(3, 0, 1).key("general.huge", GgufValueType.STRING).u64(stringBytes);
        Path file = tmp.resolve("huge-header.gguf");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(header.segment().toArray(ValueLayout.JAVA_BYTE));
            raf.setLength(header.size() + stringBytes); // sparse: costs no disk
        }
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(file).close());
        assertTrue(e.getMessage().contains("GGUF headers larger than 268435456 bytes are refused"), e.getMessage());
        assertEquals("metadata 'general.huge'", e.field());
    }

    @Test
    void overlongKeysAndTensorNamesAreRefused() {
        refused(RawGguf.header(3, 0, 1).key("k".repeat(65_536), GgufValueType.UINT8).u8(1), "metadata[0].key",
                "exceeds the limit of 65535 bytes");
        refused(RawGguf.header(3, 1, 0).tensor("t".repeat(64), F32, 0, 8).pad(32).zeros(32), "tensor_infos[0].name",
                "exceeds the limit of 63 bytes");
        GgufFile ok = GgufFile.parse(RawGguf.header(3, 1, 0).tensor("t".repeat(63), F32, 0, 8).pad(32).zeros(32)
                .segment());
        assertEquals(1, ok.tensors().size());
    }

    @Test
    void hostileNamesAreShortenedInMessages() {
        String longKey = "k".repeat(60_000) + "\u001b[31m";
        GgufFormatException e = refused(RawGguf.header(3, 0, 1).str(longKey).u32(13), "metadata 'kkk", "unknown");
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }
}
