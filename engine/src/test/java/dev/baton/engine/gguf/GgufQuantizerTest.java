package dev.baton.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import dev.baton.engine.tensor.WeightFormats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufQuantizerTest {
    private static ComputePool pool;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startPool() {
        pool = new ComputePool(2, 0);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    private Path quantize(Path source, GgufFileType target, String name) throws IOException {
        Path out = tmp.resolve(name);
        try (GgufFile in = GgufFile.open(source)) {
            GgufQuantizer.quantize(in, out, target, pool);
        }
        return out;
    }

    /** Same tensor names, types and bytes. */
    private static void assertSameTensors(Path expectedFile, Path actualFile) throws IOException {
        try (GgufFile expected = GgufFile.open(expectedFile); GgufFile actual = GgufFile.open(actualFile)) {
            assertEquals(expected.tensors().size(), actual.tensors().size());
            for (GgufTensorInfo e : expected.tensors()) {
                GgufTensorInfo a = actual.tensor(e.name()).orElseThrow();
                assertEquals(e.type(), a.type(), e.name());
                assertEquals(-1, expected.tensorData(e).mismatch(actual.tensorData(a)), e.name());
            }
        }
    }

    /** Every file type against llama.cpp's hashes: GgufQuantizerMatchesLlamaQuantizeTest; here whole shipped files. */
    @Test
    void quantizingKqSmallReproducesLlamaQuantizeFiles() throws IOException {
        Path f32 = SharedFiles.model("kquant/kq-small-F32.gguf");
        for (GgufFileType fileType : new GgufFileType[] {GgufFileType.MOSTLY_Q4_0, GgufFileType.MOSTLY_Q4_K_M}) {
            String name = fileType.cliName().toUpperCase(java.util.Locale.ROOT);
            Path ours = quantize(f32, fileType, name + ".gguf");
            assertSameTensors(SharedFiles.model("kquant/kq-small-" + name + ".gguf"), ours);
            try (GgufFile f = GgufFile.open(ours); GgufFile reference = GgufFile.open(
                    SharedFiles.model("kquant/kq-small-" + name + ".gguf"))) {
                assertEquals(reference.tensors().stream().map(GgufTensorInfo::name).toList(),
                        f.tensors().stream().map(GgufTensorInfo::name).toList(), "llama-quantize's tensor order");
                assertEquals(fileType.id(), f.metadata().getLong("general.file_type"));
                assertEquals(2, f.metadata().getLong("general.quantization_version"));
                assertEquals("kq-small-synthetic", f.metadata().getString("general.name"));
                // llama-quantize's default output type for both
                assertEquals(GgmlType.Q6_K, f.tensor("output.weight").orElseThrow().type());
            }
        }
    }

    @Test
    void f32DequantizesEverythingAndF16IsExactForTinyStories() throws IOException {
        Path fromF16 = quantize(SharedFiles.model("TinyStories-656K-f16.gguf"), GgufFileType.ALL_F32, "from-f16.gguf");
        assertSameTensors(SharedFiles.model("TinyStories-656K-f32.gguf"), fromF16);
        Path fromQ8 = quantize(SharedFiles.model("TinyStories-656K-q8_0.gguf"), GgufFileType.ALL_F32, "from-q8.gguf");
        try (GgufFile f = GgufFile.open(fromQ8); GgufFile q8 = GgufFile.open(SharedFiles.model("TinyStories-656K-q8_0.gguf"))) {
            assertTrue(f.tensors().stream().allMatch(t -> t.type() == GgmlType.F32));
            assertEquals(0, f.metadata().getLong("general.file_type"));
            GgufTensorInfo q = q8.tensor("blk.0.attn_q.weight").orElseThrow();
            float[] expected = new float[(int) q.elementCount()];
            WeightFormats.of(GgmlType.Q8_0).dequantize(q8.tensorData(q), 0, expected, 0, expected.length);
            float[] actual = f.tensorData(f.tensor(q.name()).orElseThrow()).toArray(GgufCursor.F32);
            assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(actual));
        }
    }

    @Test
    void outputDoesNotDependOnThreadCount() throws IOException {
        Path two = quantize(SharedFiles.model("stories260K.gguf"), GgufFileType.MOSTLY_Q4_K_M, "two.gguf");
        Path one = tmp.resolve("one.gguf");
        try (GgufFile in = GgufFile.open(SharedFiles.model("stories260K.gguf")); ComputePool single = new ComputePool(1)) {
            GgufQuantizer.quantize(in, one, GgufFileType.MOSTLY_Q4_K_M, single);
        }
        assertEquals(-1, Files.mismatch(one, two));
    }

    @Test
    void undecodableTensorsAreRefusedBeforeWriting() throws IOException {
        Optional<GgmlType> undecodable = java.util.Arrays.stream(GgmlType.values())
                .filter(t -> t.isQuantized() && !WeightFormats.isSupported(t)).findFirst();
        assumeTrue(undecodable.isPresent(), "Baton decodes every ggml type");
        GgmlType type = undecodable.get();
        Path source = tmp.resolve("exotic.gguf");
        try (GgufWriter w = GgufWriter.create(source)) {
            w.putString("general.architecture", "llama");
            GgufTensorInfo t = w.addTensor("blk.0.attn_q.weight", type, type.blockSize(), 2);
            w.writeTensor(t.name(), java.lang.foreign.MemorySegment.ofArray(new byte[(int) t.byteSize()]));
        }
        try (GgufFile in = GgufFile.open(source)) {
            Path out = tmp.resolve("never.gguf");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GgufQuantizer.quantize(in, out, GgufFileType.ALL_F32, pool));
            assertTrue(e.getMessage().contains("blk.0.attn_q.weight"), e.getMessage());
            assertTrue(e.getMessage().contains(type.name()), e.getMessage());
            assertTrue(Files.notExists(out));
        }
    }
}
