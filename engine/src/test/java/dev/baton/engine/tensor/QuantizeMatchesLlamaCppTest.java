package dev.baton.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufTensorInfo;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kq-small fixtures were quantized from kq-small-F32.gguf by llama.cpp's llama-quantize. Quantizing the same F32
 * tensors with Baton's formats must give the very same bytes, and dequantizing them must give back what we encoded.
 */
class QuantizeMatchesLlamaCppTest {
    @ParameterizedTest
    @EnumSource(names = {"F16", "BF16", "Q8_0", "Q4_0"})
    void quantizingTheF32ModelReproducesLlamaQuantizeByteForByte(GgmlType type) throws IOException {
        WeightFormat format = WeightFormats.of(type);
        WeightFormat f32 = WeightFormats.of(GgmlType.F32);
        try (GgufFile source = GgufFile.open(SharedFiles.model("kquant/kq-small-F32.gguf"));
                GgufFile quantized = GgufFile.open(SharedFiles.model("kquant/kq-small-" + type + ".gguf"));
                Arena arena = Arena.ofConfined()) {
            int compared = 0;
            for (GgufTensorInfo info : quantized.tensors()) {
                if (info.type() != type) {
                    continue;
                }
                GgufTensorInfo src = source.tensor(info.name()).orElseThrow();
                int n = Math.toIntExact(src.elementCount());
                float[] values = new float[n];
                f32.dequantize(source.tensorData(src), 0, values, 0, n);
                MemorySegment ours = arena.allocate(info.byteSize());
                format.quantize(values, 0, ours, 0, n);
                MemorySegment theirs = quantized.tensorData(info);
                long mismatch = ours.mismatch(theirs);
                assertEquals(-1L, mismatch, () -> info.name() + " differs from llama.cpp at byte " + mismatch);
                compared++;
            }
            assertTrue(compared >= 29, "compared " + compared + " tensors");
        }
    }
}
