package dev.baton.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import dev.baton.engine.tensor.WeightFormats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticLlamaTest {
    private static final SyntheticLlama.Shape TINY = SyntheticLlama.shape("tiny").orElseThrow();

    @TempDir
    Path tmp;

    private Path synth(String name, GgmlType type, long seed, int threads) throws IOException {
        Path out = tmp.resolve(name);
        try (GgufFile vocab = GgufFile.open(SharedFiles.testdata("tokenizer/ggml-vocab-llama-spm.gguf"));
                ComputePool pool = new ComputePool(threads, 0)) {
            SyntheticLlama.write(out, TINY, type, vocab.metadata(), seed, pool);
        }
        return out;
    }

    @Test
    void aSynthesizedModelLoadsWithItsShapeAndVocabulary() throws IOException {
        Path file = synth("tiny-q8.gguf", GgmlType.Q8_0, 7, 2);
        try (GgufFile f = GgufFile.open(file);
                GgufFile vocab = GgufFile.open(SharedFiles.testdata("tokenizer/ggml-vocab-llama-spm.gguf"))) {
            GgufMetadata m = f.metadata();
            assertEquals("llama", m.getString("general.architecture"));
            assertEquals(7, m.getLong("general.file_type"));
            assertEquals(64, m.getLong("llama.embedding_length"));
            assertEquals(2, m.getLong("llama.block_count"));
            assertEquals(4, m.getLong("llama.attention.head_count"));
            assertEquals(2, m.getLong("llama.attention.head_count_kv"));
            assertEquals(16, m.getLong("llama.rope.dimension_count"));
            assertEquals(32000, m.getLong("llama.vocab_size"));
            assertArrayEquals(vocab.metadata().getStringArray("tokenizer.ggml.tokens"),
                    m.getStringArray("tokenizer.ggml.tokens"));
            assertEquals(vocab.metadata().getString("tokenizer.ggml.model"), m.getString("tokenizer.ggml.model"));
            assertEquals(1 + 9 * 2 + 2, f.tensors().size());
            assertEquals(GgmlType.Q8_0, f.tensor("token_embd.weight").orElseThrow().type());
            assertArrayEquals(new long[] {64, 32000}, f.tensor("output.weight").orElseThrow().shape());
            assertArrayEquals(new long[] {64, 32}, f.tensor("blk.1.attn_k.weight").orElseThrow().shape());
            assertArrayEquals(new long[] {192, 64}, f.tensor("blk.1.ffn_down.weight").orElseThrow().shape());
            GgufTensorInfo norm = f.tensor("blk.0.ffn_norm.weight").orElseThrow();
            assertEquals(GgmlType.F32, norm.type());
            for (float v : f.tensorData(norm).toArray(GgufCursor.F32)) {
                assertEquals(1f, v);
            }
        }
    }

    @Test
    void weightsHaveLlamaScaleAndAreDeterministic() throws IOException {
        Path a = synth("a.gguf", GgmlType.F32, 1, 2);
        Path b = synth("b.gguf", GgmlType.F32, 1, 1);
        Path c = synth("c.gguf", GgmlType.F32, 2, 2);
        assertEquals(-1, Files.mismatch(a, b), "same seed, other thread count");
        assertNotEquals(-1, Files.mismatch(a, c), "other seed");
        try (GgufFile f = GgufFile.open(a)) {
            float[] w = f.tensorData(f.tensor("blk.0.ffn_up.weight").orElseThrow()).toArray(GgufCursor.F32);
            double sum = 0;
            double squares = 0;
            for (float v : w) {
                sum += v;
                squares += v * v;
            }
            double mean = sum / w.length;
            double std = Math.sqrt(squares / w.length - mean * mean);
            assertEquals(0, mean, 0.002);
            assertEquals(0.02, std, 0.001);
            float[] q = f.tensorData(f.tensor("blk.0.attn_q.weight").orElseThrow()).toArray(GgufCursor.F32);
            assertNotEquals(q[0], w[0], "tensors get different streams");
        }
    }

    @Test
    void quantizedSynthesisEqualsQuantizingTheF32Synthesis() throws IOException {
        Path f32 = synth("f32.gguf", GgmlType.F32, 3, 2);
        Path q4 = synth("q4.gguf", GgmlType.Q4_0, 3, 2);
        try (GgufFile a = GgufFile.open(f32); GgufFile b = GgufFile.open(q4)) {
            GgufTensorInfo wf = a.tensor("blk.1.attn_v.weight").orElseThrow();
            GgufTensorInfo wq = b.tensor("blk.1.attn_v.weight").orElseThrow();
            float[] values = a.tensorData(wf).toArray(GgufCursor.F32);
            var expected = java.lang.foreign.MemorySegment.ofArray(new byte[(int) wq.byteSize()]);
            WeightFormats.of(GgmlType.Q4_0).quantize(values, 0, expected, 0, values.length);
            assertEquals(-1, expected.mismatch(b.tensorData(wq)));
            assertTrue(b.tensorData(wq).byteSize() < a.tensorData(wf).byteSize());
        }
    }
}
