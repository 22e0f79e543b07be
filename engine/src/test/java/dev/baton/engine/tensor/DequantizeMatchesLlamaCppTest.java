package dev.baton.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.SharedFiles;
import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufTensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every tensor of every file in ../shared/models/kquant (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K, mixed
 * within a file) dequantizes to exactly llama.cpp's float32 data: same sha256 over the little-endian floats
 * (golden/kquant-dequant.json). Bit-exact, not within an ulp: our decoders use ggml's float operation order and Java
 * never contracts to FMA.
 */
class DequantizeMatchesLlamaCppTest {
    static Stream<String> files() throws Exception {
        List<String> names = new ArrayList<>();
        golden().get("files").fieldNames().forEachRemaining(names::add);
        return names.stream();
    }

    static JsonNode golden() throws Exception {
        return new ObjectMapper().readTree(SharedFiles.testdata("golden/kquant-dequant.json").toFile());
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyTensorHashesLikeLlamaCpp(String file) throws Exception {
        JsonNode expected = golden().get("files").get(file);
        try (GgufFile gguf = GgufFile.open(SharedFiles.root().resolve("models").resolve(file))) {
            for (GgufTensorInfo info : gguf.tensors()) {
                JsonNode want = expected.get(info.name());
                assertEquals(want.get("type").asText(), info.type().name(), info.name());
                float[] values = new float[Math.toIntExact(info.elementCount())];
                WeightFormats.of(info.type()).dequantize(gguf.tensorData(info), 0, values, 0, values.length);
                assertEquals(want.get("first8").get(0).asDouble(), values[0], 0.0, info.name());
                assertEquals(want.get("sha256_f32").asText(), sha256(values), file + " " + info.name());
            }
        }
    }

    static String sha256(float[] values) throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
    }
}
