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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GgufFileReadsSharedModelsTest {

    static Stream<Path> everySharedGguf() throws IOException {
        return Stream.of(SharedFiles.root().resolve("models"), SharedFiles.root().resolve("models/kquant"),
                        SharedFiles.testdata("tokenizer"))
                .flatMap(dir -> {
                    try {
                        return Files.list(dir).filter(p -> p.toString().endsWith(".gguf")).sorted().toList().stream();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
    }

    @ParameterizedTest
    @MethodSource("everySharedGguf")
    void everySharedFileParsesWithConsistentLayout(Path path) throws IOException {
        try (GgufFile gguf = GgufFile.open(path)) {
            assertTrue(gguf.version() == 2 || gguf.version() == 3);
            assertTrue(gguf.metadata().has("general.architecture"), "architecture key");
            assertEquals(0, gguf.dataOffset() % gguf.alignment());
            long size = Files.size(path);
            for (GgufTensorInfo t : gguf.tensors()) {
                MemorySegment data = gguf.tensorData(t);
                assertEquals(t.byteSize(), data.byteSize());
                assertTrue(gguf.dataOffset() + t.offset() + t.byteSize() <= size);
                assertTrue(data.isReadOnly());
                assertEquals(t, gguf.tensor(t.name()).orElseThrow());
            }
        }
    }

    @Test
    void stories260KHasItsDocumentedHeader() throws IOException {
        try (GgufFile gguf = GgufFile.open(SharedFiles.model("stories260K.gguf"))) {
            GgufMetadata m = gguf.metadata();
            assertEquals(3, gguf.version());
            assertEquals(19, m.size());
            assertEquals(48, gguf.tensors().size());
            assertEquals(32, gguf.alignment());
            assertEquals("llama", m.getString("general.architecture"));
            assertEquals(64, m.getLong("llama.embedding_length"));
            assertEquals(172, m.getLong("llama.feed_forward_length"));
            assertEquals(5, m.getLong("llama.block_count"));
            assertEquals(8, m.getLong("llama.attention.head_count"));
            assertEquals(4, m.getLong("llama.attention.head_count_kv"));
            assertEquals(1e-5f, m.getFloat("llama.attention.layer_norm_rms_epsilon"));
            assertFalse(m.has("general.file_type"));
            assertFalse(m.has("llama.rope.freq_base"));
            assertEquals(4294967295L, m.getLong("tokenizer.ggml.seperator_token_id"));
            String[] tokens = m.getStringArray("tokenizer.ggml.tokens");
            assertEquals(512, tokens.length);
            assertEquals("<unk>", tokens[0]);
            assertEquals("<s>", tokens[1]);
            assertEquals("<0x00>", tokens[3]);
            float[] scores = m.getFloatArray("tokenizer.ggml.scores");
            assertEquals(-(300 - 259), scores[300]);
            assertEquals(512, m.getIntArray("tokenizer.ggml.token_type").length);

            GgufTensorInfo embd = gguf.tensor("token_embd.weight").orElseThrow();
            assertEquals(GgmlType.F32, embd.type());
            assertArrayEquals(new long[] {64, 512}, embd.shape());
            assertEquals(64, embd.rowLength());
            assertEquals(512, embd.rows());
            assertArrayEquals(new long[] {172, 64}, gguf.tensor("blk.0.ffn_down.weight").orElseThrow().shape());
            assertTrue(gguf.tensors().stream().allMatch(t -> t.type() == GgmlType.F32));
            assertEquals(292_800, gguf.tensors().stream().mapToLong(GgufTensorInfo::elementCount).sum());
            // the stored classifier is a copy of the embeddings
            GgufTensorInfo output = gguf.tensor("output.weight").orElseThrow();
            assertEquals(-1, gguf.tensorData(embd).mismatch(gguf.tensorData(output)));
        }
    }

    @Test
    void tinyStoriesFilesCarryTheirFileTypeAndTypes() throws IOException {
        Map<String, Object[]> expected = Map.of(
                "TinyStories-656K-f32.gguf", new Object[] {0L, GgmlType.F32},
                "TinyStories-656K-f16.gguf", new Object[] {1L, GgmlType.F16},
                "TinyStories-656K-q8_0.gguf", new Object[] {7L, GgmlType.Q8_0});
        for (var e : expected.entrySet()) {
            try (GgufFile gguf = GgufFile.open(SharedFiles.model(e.getKey()))) {
                GgufMetadata m = gguf.metadata();
                assertEquals(e.getValue()[0], m.getLong("general.file_type"), e.getKey());
                assertEquals("TinyStories-656K", m.getString("general.name"));
                assertEquals(2048, m.getLong("llama.vocab_size"));
                assertEquals(1e-6f, m.getFloat("llama.attention.layer_norm_rms_epsilon"));
                assertEquals(10000f, m.getFloat("llama.rope.freq_base"));
                assertTrue(m.getBoolean("tokenizer.ggml.add_bos_token"));
                assertEquals(20, gguf.tensors().size());
                assertTrue(gguf.tensor("output.weight").isEmpty(), "tied embeddings");
                assertEquals(e.getValue()[1], gguf.tensor("blk.1.attn_q.weight").orElseThrow().type());
                assertEquals(GgmlType.F32, gguf.tensor("output_norm.weight").orElseThrow().type());
                assertEquals(656_000, gguf.tensors().stream().mapToLong(GgufTensorInfo::elementCount).sum());
            }
        }
    }

    @Test
    void kquantFilesHaveTheDocumentedTypeCounts() throws IOException {
        record Expect(String file, long fileType, Map<GgmlType, Integer> counts) {
        }
        List<Expect> expected = List.of(
                new Expect("kq-small-F32.gguf", 0, Map.of(GgmlType.F32, 39)),
                new Expect("kq-small-F16.gguf", 1, Map.of(GgmlType.F16, 30, GgmlType.F32, 9)),
                new Expect("kq-small-BF16.gguf", 32, Map.of(GgmlType.BF16, 30, GgmlType.F32, 9)),
                new Expect("kq-small-Q8_0.gguf", 7, Map.of(GgmlType.Q8_0, 30, GgmlType.F32, 9)),
                new Expect("kq-small-Q6_K.gguf", 18, Map.of(GgmlType.Q6_K, 30, GgmlType.F32, 9)),
                new Expect("kq-small-Q5_K_M.gguf", 17, Map.of(GgmlType.Q5_K, 25, GgmlType.Q6_K, 5, GgmlType.F32, 9)),
                new Expect("kq-small-Q4_K_M.gguf", 15, Map.of(GgmlType.Q4_K, 25, GgmlType.Q6_K, 5, GgmlType.F32, 9)),
                new Expect("kq-small-Q4_0.gguf", 2, Map.of(GgmlType.Q4_0, 29, GgmlType.Q6_K, 1, GgmlType.F32, 9)));
        for (Expect e : expected) {
            try (GgufFile gguf = GgufFile.open(SharedFiles.model("kquant/" + e.file()))) {
                Map<GgmlType, Integer> counts = new EnumMap<>(GgmlType.class);
                gguf.tensors().forEach(t -> counts.merge(t.type(), 1, Integer::sum));
                assertEquals(e.counts(), counts, e.file());
                assertEquals(e.fileType(), gguf.metadata().getLong("general.file_type"), e.file());
                assertEquals("kq-small-synthetic", gguf.metadata().getString("general.name"));
                assertEquals(3_410_176, gguf.tensors().stream().mapToLong(GgufTensorInfo::elementCount).sum());
                assertArrayEquals(new long[] {768, 256}, gguf.tensor("blk.3.ffn_down.weight").orElseThrow().shape());
            }
        }
    }

    @Test
    void vocabOnlyFilesLoadWithoutTensors() throws IOException {
        Map<String, Integer> vocabSizes = Map.of("ggml-vocab-llama-spm.gguf", 32000, "ggml-vocab-phi-3.gguf", 32064,
                "ggml-vocab-gpt-2.gguf", 50257, "ggml-vocab-deepseek-llm.gguf", 102400, "ggml-vocab-bert-bge.gguf", 30522);
        for (var e : vocabSizes.entrySet()) {
            try (GgufFile gguf = GgufFile.open(SharedFiles.testdata("tokenizer/" + e.getKey()))) {
                assertEquals(0, gguf.tensors().size(), e.getKey());
                assertEquals(e.getValue(), gguf.metadata().getStringArray("tokenizer.ggml.tokens").length, e.getKey());
            }
        }
        try (GgufFile spm = GgufFile.open(SharedFiles.testdata("tokenizer/ggml-vocab-llama-spm.gguf"))) {
            assertEquals("llama", spm.metadata().getString("tokenizer.ggml.model"));
            assertEquals(32, spm.metadata().getLong("llama.block_count"));
            assertEquals(4096, spm.metadata().getLong("llama.embedding_length"));
        }
    }

    @Test
    void wrongTypedOrMissingKeysNameTheKey() throws IOException {
        try (GgufFile gguf = GgufFile.open(SharedFiles.model("stories260K.gguf"))) {
            GgufMetadata m = gguf.metadata();
            GgufFormatException missing = assertThrows(GgufFormatException.class, () -> m.getLong("llama.nope"));
            assertTrue(missing.getMessage().contains("llama.nope"), missing.getMessage());
            GgufFormatException wrong = assertThrows(GgufFormatException.class,
                    () -> m.getString("llama.block_count"));
            assertTrue(wrong.getMessage().contains("llama.block_count"), wrong.getMessage());
            assertEquals(m.offsetOf("llama.block_count"), wrong.offset());
            assertThrows(GgufFormatException.class, () -> m.getFloatArray("tokenizer.ggml.tokens"));
            assertTrue(m.optString("general.nope").isEmpty());
            assertThrows(GgufFormatException.class, () -> m.optFloat("general.architecture"));
        }
    }
}
