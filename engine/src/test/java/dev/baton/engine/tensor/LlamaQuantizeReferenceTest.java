package dev.baton.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.SharedFiles;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufTensorInfo;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every quantized type llama.cpp puts into q2_k … q6_k, q4_1, q5_0, q5_1 files (K-quant mixes included), our
 * quantizers turn kq-small-F32's tensors into exactly the bytes llama.cpp's quantizer writes, and those bytes
 * dequantize to exactly llama.cpp's floats. Expected hashes: llama-quantize-reference.json (test resource; its note
 * says how it was made).
 */
class LlamaQuantizeReferenceTest {
    static JsonNode reference() throws Exception {
        try (InputStream in = LlamaQuantizeReferenceTest.class.getResourceAsStream("/llama-quantize-reference.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static Stream<String> kqSmallCases() throws Exception {
        List<String> names = new ArrayList<>();
        reference().get("files").fieldNames().forEachRemaining(n -> {
            if (n.startsWith("kquant/kq-small-F32.gguf")) {
                names.add(n);
            }
        });
        return names.stream();
    }

    @ParameterizedTest
    @MethodSource("kqSmallCases")
    void sameBytesAndSameFloatsAsLlamaCpp(String testCase) throws Exception {
        JsonNode tensors = reference().get("files").get(testCase).get("tensors");
        StringBuilder mismatches = new StringBuilder();
        try (GgufFile source = GgufFile.open(SharedFiles.model("kquant/kq-small-F32.gguf"));
             Arena arena = Arena.ofConfined()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = tensors.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                GgmlType type = GgmlType.valueOf(entry.getValue().get("type").asText());
                if (!type.isQuantized() || !WeightFormats.isSupported(type)) {
                    continue;
                }
                WeightFormat codec = WeightFormats.of(type);
                GgufTensorInfo f32 = source.tensor(entry.getKey()).orElseThrow();
                float[] values = source.tensorData(f32)
                        .toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
                MemorySegment quantized = arena.allocate(type.byteSize(values.length));
                codec.quantize(values, 0, quantized, 0, values.length);
                if (!sha256(quantized.toArray(ValueLayout.JAVA_BYTE)).equals(entry.getValue().get("sha256").asText())) {
                    mismatches.append(entry.getKey()).append(' ').append(type).append(": quantized bytes differ\n");
                }
                float[] decoded = new float[values.length];
                codec.dequantize(quantized, 0, decoded, 0, decoded.length);
                if (!DequantizeMatchesLlamaCppTest.sha256(decoded).equals(entry.getValue().get("sha256_f32").asText())) {
                    mismatches.append(entry.getKey()).append(' ').append(type).append(": dequantized floats differ\n");
                }
            }
        }
        assertEquals("", mismatches.toString());
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
