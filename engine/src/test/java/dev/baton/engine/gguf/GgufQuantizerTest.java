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

    private Path quantize(Path source, GgmlType target, String name) throws IOException {
        Path out = tmp.resolve(name);
        try (GgufFile in = GgufFile.open(source)) {
            GgufQuantizer.quantize(in, out, target, pool);
        }
        return out;
    }

    /** Same tensor names, types and bytes, except the tensors named in {@code except}. */
    private static void assertSameTensors(Path expectedFile, Path actualFile, String... except) throws IOException {
        try (GgufFile expected = GgufFile.open(expectedFile); GgufFile actual = GgufFile.open(actualFile)) {
            assertEquals(expected.tensors().size(), actual.tensors().size());
            for (GgufTensorInfo e : expected.tensors()) {
                if (java.util.Arrays.asList(except).contains(e.name())) {
                    continue;
                }
                GgufTensorInfo a = actual.tensor(e.name()).orElseThrow();
                assertEquals(e.type(), a.type(), e.name());
                assertEquals(-1, expected.tensorData(e).mismatch(actual.tensorData(a)), e.name());
            }
        }
    }

    @Test
    void tensorChoiceFollowsLlamaQuantize() throws IOException {
        try (GgufFile stories = GgufFile.open(SharedFiles.model("stories260K.gguf"))) {
            var plan = GgufQuantizer.plan(stories, GgmlType.Q8_0);
            for (GgufQuantizer.Conversion c : plan) {
                String name = c.tensor().name();
                GgmlType expected = name.contains("norm") || name.endsWith("ffn_down.weight") ? GgmlType.F32
                        : GgmlType.Q8_0; // ffn_down rows are 172 long: no whole Q8_0 blocks
                assertEquals(expected, c.to(), name);
            }
        }
    }

    @Test
    void quantizingKqSmallReproducesLlamaQuantizeBytes() throws IOException {
        Path f32 = SharedFiles.model("kquant/kq-small-F32.gguf");
        for (GgmlType t : new GgmlType[] {GgmlType.Q8_0, GgmlType.F16, GgmlType.BF16}) {
            Path ours = quantize(f32, t, t + ".gguf");
            assertSameTensors(SharedFiles.model("kquant/kq-small-" + t + ".gguf"), ours);
            try (GgufFile f = GgufFile.open(ours)) {
                assertEquals(GgufFileType.forWeights(t).orElseThrow().id(), f.metadata().getLong("general.file_type"));
                assertEquals(2, f.metadata().getLong("general.quantization_version"));
                assertEquals("kq-small-synthetic", f.metadata().getString("general.name"));
            }
        }
        // llama-quantize makes output.weight Q6_K in a Q4_0 file; Baton keeps it Q4_0
        Path q4 = quantize(f32, GgmlType.Q4_0, "q4.gguf");
        assertSameTensors(SharedFiles.model("kquant/kq-small-Q4_0.gguf"), q4, "output.weight");
        try (GgufFile f = GgufFile.open(q4)) {
            assertEquals(GgmlType.Q4_0, f.tensor("output.weight").orElseThrow().type());
        }
    }

    @Test
    void f32DequantizesEverythingAndF16IsExactForTinyStories() throws IOException {
        Path fromF16 = quantize(SharedFiles.model("TinyStories-656K-f16.gguf"), GgmlType.F32, "from-f16.gguf");
        assertSameTensors(SharedFiles.model("TinyStories-656K-f32.gguf"), fromF16);
        Path fromQ8 = quantize(SharedFiles.model("TinyStories-656K-q8_0.gguf"), GgmlType.F32, "from-q8.gguf");
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
        Path two = quantize(SharedFiles.model("stories260K.gguf"), GgmlType.Q4_0, "two.gguf");
        Path one = tmp.resolve("one.gguf");
        try (GgufFile in = GgufFile.open(SharedFiles.model("stories260K.gguf")); ComputePool single = new ComputePool(1)) {
            GgufQuantizer.quantize(in, one, GgmlType.Q4_0, single);
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
                    () -> GgufQuantizer.quantize(in, out, GgmlType.F32, pool));
            assertTrue(e.getMessage().contains("blk.0.attn_q.weight"), e.getMessage());
            assertTrue(e.getMessage().contains(type.name()), e.getMessage());
            assertTrue(Files.notExists(out));
            assertThrows(IllegalArgumentException.class, () -> GgufQuantizer.plan(in, GgmlType.Q6_K),
                    "a target Baton cannot write");
        }
    }
}
