package dev.baton.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.tensor.GgmlType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GgufWriterRoundTripTest {
    @TempDir
    Path tmp;

    static Stream<Path> roundTripFiles() {
        return Stream.of("models/stories260K.gguf", "models/TinyStories-656K-q8_0.gguf",
                        "models/kquant/kq-small-Q4_K_M.gguf", "models/kquant/kq-small-BF16.gguf",
                        "testdata/tokenizer/ggml-vocab-llama-spm.gguf", "testdata/tokenizer/ggml-vocab-gpt-2.gguf")
                .map(SharedFiles.root()::resolve);
    }

    @ParameterizedTest
    @MethodSource("roundTripFiles")
    void rewritingASharedFileReproducesItsBytes(Path source) throws IOException {
        Path copy = tmp.resolve("copy.gguf");
        try (GgufFile in = GgufFile.open(source); GgufWriter out = GgufWriter.create(copy)) {
            out.putAll(in.metadata());
            for (GgufTensorInfo t : in.tensors()) {
                assertEquals(t, out.addTensor(t.name(), t.type(), t.shape()), "offsets follow ggml's layout");
            }
            for (GgufTensorInfo t : in.tensors()) {
                out.writeTensor(t.name(), in.tensorData(t));
            }
        }
        assertEquals(-1, Files.mismatch(source, copy), "first differing byte");
    }

    @Test
    void everyValueTypeAndNestedArraysSurviveAWriteAndRead() throws IOException {
        Path file = tmp.resolve("types.gguf");
        GgufArray nested = GgufArray.wrap(GgufValueType.ARRAY, new GgufArray[] {GgufArray.ofInts(1, -2),
                GgufArray.ofStrings("a", "ü"), GgufArray.wrap(GgufValueType.UINT64, new long[] {-1L})});
        try (GgufWriter w = GgufWriter.create(file)) {
            w.put("u8", GgufValueType.UINT8, 255).put("i8", GgufValueType.INT8, -128)
                    .put("u16", GgufValueType.UINT16, 65535).put("i16", GgufValueType.INT16, -32768)
                    .putUint32("u32", 4294967295L).putInt32("i32", -7)
                    .put("u64", GgufValueType.UINT64, -1L).put("i64", GgufValueType.INT64, Long.MIN_VALUE)
                    .putFloat32("f32", 1.5f).put("f64", GgufValueType.FLOAT64, Math.PI)
                    .putBool("t", true).putString("s", "héllo").putArray("nested", nested)
                    .putArray("bools", GgufArray.wrap(GgufValueType.BOOL, new boolean[] {true, false}))
                    .putUint32("general.alignment", 64);
            w.addTensor("a", GgmlType.F32, 3);
            w.addTensor("b", GgmlType.Q8_0, 32, 2);
            w.writeTensor("a", MemorySegment.ofArray(new float[] {1, 2, 3}));
            w.writeTensor("b", sink -> {
                sink.write(new byte[34], 0, 34);
                sink.write(new byte[34], 0, 34);
            });
        }
        try (GgufFile f = GgufFile.open(file)) {
            GgufMetadata m = f.metadata();
            assertEquals(255, m.getLong("u8"));
            assertEquals(-128, m.getLong("i8"));
            assertEquals(65535, m.getLong("u16"));
            assertEquals(-32768, m.getLong("i16"));
            assertEquals(4294967295L, m.getLong("u32"));
            assertEquals(-7, m.getLong("i32"));
            assertEquals(GgufValueType.UINT64, m.type("u64"));
            assertThrows(GgufFormatException.class, () -> m.getLong("u64"), "beyond a signed long");
            assertEquals(Long.MIN_VALUE, m.getLong("i64"));
            assertEquals(1.5f, m.getFloat("f32"));
            assertEquals(Math.PI, (Double) m.get("f64"));
            assertTrue(m.getBoolean("t"));
            assertEquals("héllo", m.getString("s"));
            assertEquals(nested, m.getArray("nested"));
            assertEquals(64, f.alignment());
            assertEquals(64, f.tensor("b").orElseThrow().offset());
            assertArrayEquals(new float[] {1, 2, 3},
                    f.tensorData(f.tensor("a").orElseThrow()).toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT));
        }
    }

    @Test
    void anIncompleteWriteLeavesNoFile() throws IOException {
        Path file = tmp.resolve("partial.gguf");
        GgufWriter w = GgufWriter.create(file);
        w.addTensor("a", GgmlType.F32, 4);
        assertThrows(IllegalStateException.class, () -> w.writeTensor("a", sink -> sink.write(new byte[8], 0, 8)));
        w.close();
        assertFalse(Files.exists(file));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(0, left.count(), "no temporary file left behind");
        }
        GgufWriter unfinished = GgufWriter.create(file);
        unfinished.addTensor("a", GgmlType.F32, 4);
        assertThrows(IllegalStateException.class, unfinished::close);
        assertFalse(Files.exists(file));
    }

    @Test
    void namesTheReaderWouldRefuseAreRefusedWhenWriting() throws IOException {
        Path file = tmp.resolve("long-names.gguf");
        try (GgufWriter w = GgufWriter.create(file)) {
            assertThrows(IllegalArgumentException.class, () -> w.addTensor("t".repeat(64), GgmlType.F32, 4));
            assertThrows(IllegalArgumentException.class,
                    () -> w.put("k".repeat(65_536), GgufValueType.UINT8, 1));
            w.put("k".repeat(65_535), GgufValueType.UINT8, 1);
            w.addTensor("t".repeat(63), GgmlType.F32, 4);
            w.writeTensor("t".repeat(63), sink -> sink.write(new byte[16], 0, 16));
        }
        try (GgufFile f = GgufFile.open(file)) {
            assertEquals(1, f.tensors().size());
        }
    }
}
