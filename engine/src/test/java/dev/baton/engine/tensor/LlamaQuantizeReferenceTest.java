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
 * Our quantizers turn kq-small-F32's tensors into exactly the bytes llama.cpp's quantizer writes, and those bytes
 * dequantize to exactly llama.cpp's floats. Expected hashes: llama-quantize-reference.json (test resource; its
 * note says how it was made).
 */
class LlamaQuantizeReferenceTest {
    interface Codec {
        void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n);

        void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n);
    }

    private static final Map<GgmlType, Codec> CODECS = Map.of(
            GgmlType.Q2_K, codec(new Q2_KFormat()::quantize, new Q2_KFormat()::dequantize),
            GgmlType.Q3_K, codec(new Q3_KFormat()::quantize, new Q3_KFormat()::dequantize),
            GgmlType.Q4_K, codec(new Q4_KFormat()::quantize, new Q4_KFormat()::dequantize),
            GgmlType.Q5_K, codec(new Q5_KFormat()::quantize, new Q5_KFormat()::dequantize),
            GgmlType.Q6_K, codec(new Q6_KFormat()::quantize, new Q6_KFormat()::dequantize),
            GgmlType.Q4_1, codec(new Q4_1Format()::quantize, new Q4_1Format()::dequantize),
            GgmlType.Q5_0, codec(new Q5_0Format()::quantize, new Q5_0Format()::dequantize),
            GgmlType.Q5_1, codec(new Q5_1Format()::quantize, new Q5_1Format()::dequantize));

    interface Q {
        void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n);
    }

    interface D {
        void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n);
    }

    static Codec codec(Q q, D d) {
        return new Codec() {
            public void quantize(float[] src, int srcOff, MemorySegment dst, long dstOff, int n) {
                q.quantize(src, srcOff, dst, dstOff, n);
            }

            public void dequantize(MemorySegment src, long srcOff, float[] dst, int dstOff, int n) {
                d.dequantize(src, srcOff, dst, dstOff, n);
            }
        };
    }

    static JsonNode reference() throws Exception {
        try (InputStream in = LlamaQuantizeReferenceTest.class.getResourceAsStream("llama-quantize-reference.json")) {
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
                Codec codec = CODECS.get(type);
                if (codec == null) {
                    continue;
                }
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
