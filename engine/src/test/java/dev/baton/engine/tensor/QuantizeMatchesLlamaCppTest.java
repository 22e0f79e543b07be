package dev.baton.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufTensorInfo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our quantizers turn kq-small-F32's tensors into the same bytes llama-quantize wrote. */
class QuantizeMatchesLlamaCppTest {
    interface Quantizer {
        void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n);
    }

    private static final Map<GgmlType, Quantizer> QUANTIZERS = Map.of(
            GgmlType.Q4_K, new Q4_KFormat()::quantize,
            GgmlType.Q5_K, new Q5_KFormat()::quantize,
            GgmlType.Q6_K, new Q6_KFormat()::quantize);

    @ParameterizedTest
    @ValueSource(strings = {"kq-small-Q4_K_M.gguf", "kq-small-Q5_K_M.gguf", "kq-small-Q6_K.gguf"})
    void sameBytesAsLlamaQuantize(String file) throws Exception {
        try (GgufFile source = GgufFile.open(SharedFiles.model("kquant/kq-small-F32.gguf"));
             GgufFile reference = GgufFile.open(SharedFiles.model("kquant/" + file));
             Arena arena = Arena.ofConfined()) {
            StringBuilder report = new StringBuilder();
            for (GgufTensorInfo info : reference.tensors()) {
                Quantizer quantizer = QUANTIZERS.get(info.type());
                if (quantizer == null) {
                    continue;
                }
                GgufTensorInfo f32 = source.tensor(info.name()).orElseThrow();
                float[] values = source.tensorData(f32).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED
                        .withOrder(java.nio.ByteOrder.LITTLE_ENDIAN));
                MemorySegment ours = arena.allocate(info.byteSize());
                quantizer.quantize(values, 0, ours, 0, values.length);
                MemorySegment theirs = reference.tensorData(info);
                int blockBytes = info.type().blockBytes();
                long blocks = info.byteSize() / blockBytes;
                long differing = 0;
                for (long b = 0; b < blocks; b++) {
                    if (MemorySegment.mismatch(ours, b * blockBytes, (b + 1) * blockBytes,
                            theirs, b * blockBytes, (b + 1) * blockBytes) >= 0) {
                        differing++;
                    }
                }
                if (differing > 0) {
                    report.append(info.name()).append(' ').append(info.type()).append(": ").append(differing)
                            .append('/').append(blocks).append(" blocks differ\n");
                }
            }
            assertEquals("", report.toString());
        }
    }
}
