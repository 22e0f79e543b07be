package dev.baton.engine.model;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufTensorInfo;
import dev.baton.engine.gguf.GgufWriter;
import dev.baton.engine.tensor.GgmlType;
import dev.baton.engine.tensor.UnsupportedTensorTypeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configuration comes from metadata alone; files Baton cannot run are refused at load with a clear message. */
class LlamaConfigTest {
    @TempDir
    Path dir;

    @Test
    void readsStories260K() throws IOException {
        try (GgufFile file = GgufFile.open(SharedFiles.model("stories260K.gguf"))) {
            assertEquals(new LlamaConfig(64, 5, 8, 4, 8, 172, 512, 2048, 1e-5f, 10000f, 8, 1f),
                    LlamaConfig.from(file));
        }
    }

    @Test
    void readsTinyStories() throws IOException {
        try (GgufFile file = GgufFile.open(SharedFiles.model("TinyStories-656K-q8_0.gguf"))) {
            assertEquals(new LlamaConfig(128, 2, 8, 4, 16, 384, 2048, 512, 1e-6f, 10000f, 16, 1f),
                    LlamaConfig.from(file));
        }
    }

    @Test
    void refusesAnotherArchitectureNamingIt() throws IOException {
        Path gpt2 = rewrite("stories260K.gguf", w -> w.putString("general.architecture", "gpt2"), null);
        try (GgufFile file = GgufFile.open(gpt2)) {
            UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> LlamaConfig.from(file));
            assertTrue(e.getMessage().contains("'gpt2'"), e.getMessage());
        }
    }

    @Test
    void refusesMixtureOfExperts() throws IOException {
        Path moe = rewrite("stories260K.gguf", w -> w.putUint32("llama.expert_count", 8), null);
        try (GgufFile file = GgufFile.open(moe)) {
            assertThrows(UnsupportedModelException.class, () -> LlamaConfig.from(file));
        }
    }

    @Test
    void refusesAnUnsupportedTensorTypeAtLoad() throws IOException {
        Path iq4 = rewrite("stories260K.gguf", w -> { }, "blk.3.attn_q.weight");
        try (GgufFile file = GgufFile.open(iq4)) {
            LlamaConfig config = LlamaConfig.from(file);
            UnsupportedTensorTypeException e = assertThrows(UnsupportedTensorTypeException.class,
                    () -> RangeWeights.load(file, config, LayerRange.all(config)));
            assertTrue(e.getMessage().contains("IQ4_NL"), e.getMessage());
            // a range without that block loads
            assertNotNull(RangeWeights.load(file, config, new LayerRange(0, 3)));
        }
    }

    @Test
    void reportsAMisshapenTensorByName() throws IOException {
        try (GgufFile file = GgufFile.open(SharedFiles.model("stories260K.gguf"))) {
            LlamaConfig wrong = new LlamaConfig(64, 5, 8, 4, 8, 170, 512, 2048, 1e-5f, 10000f, 8, 1f);
            UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                    () -> RangeWeights.load(file, wrong, LayerRange.all(wrong)));
            assertTrue(e.getMessage().contains("blk.0.ffn_gate.weight"), e.getMessage());
        }
    }

    @Test
    void loadsOnlyWhatARangeNeedsAndFallsBackToTiedEmbeddings() throws IOException {
        try (GgufFile file = GgufFile.open(SharedFiles.model("TinyStories-656K-f32.gguf"))) {
            LlamaConfig config = LlamaConfig.from(file);
            assertTrue(file.tensor("output.weight").isEmpty());
            RangeWeights first = RangeWeights.load(file, config, new LayerRange(0, 1));
            RangeWeights last = RangeWeights.load(file, config, new LayerRange(1, 2));
            assertNotNull(first.tokenEmbedding());
            assertNull(first.output());
            assertNull(last.tokenEmbedding());
            assertEquals(config.vocabSize(), last.output().rows());
            assertEquals(1, first.layers().size());
            assertThrows(IllegalArgumentException.class, () -> RangeWeights.load(file, config, new LayerRange(1, 3)));
        }
    }

    /**
     * Copies a shared model with metadata edits; the tensor named {@code toIq4Nl} (if any) is declared IQ4_NL (a type
     * Baton does not compute with) with zero bytes instead of its own data.
     */
    private Path rewrite(String model, Consumer<GgufWriter> edit, String toIq4Nl) throws IOException {
        Path out = dir.resolve("rewritten-" + model);
        try (GgufFile source = GgufFile.open(SharedFiles.model(model));
             GgufWriter writer = GgufWriter.create(out)) {
            writer.putAll(source.metadata());
            edit.accept(writer);
            for (GgufTensorInfo t : source.tensors()) {
                writer.addTensor(t.name(), t.name().equals(toIq4Nl) ? GgmlType.IQ4_NL : t.type(), t.shape());
            }
            for (GgufTensorInfo t : source.tensors()) {
                if (t.name().equals(toIq4Nl)) {
                    writer.writeTensor(t.name(), MemorySegment.ofArray(new byte[(int) GgmlType.IQ4_NL.byteSize(
                            t.elementCount())]));
                } else {
                    writer.writeTensor(t.name(), source.tensorData(t));
                }
            }
        }
        return out;
    }
}
