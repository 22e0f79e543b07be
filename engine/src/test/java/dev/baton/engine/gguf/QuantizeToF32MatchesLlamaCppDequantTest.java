package dev.baton.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.SharedFiles;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quantize --type f32} of every kq-small file gives, tensor by tensor, exactly the float32 data llama.cpp's own
 * {@code llama-quantize ... F32} gives (golden/kquant-dequant.json records its sha256).
 */
class QuantizeToF32MatchesLlamaCppDequantTest {
    @Test
    void everyKquantFileDequantizesLikeLlamaCpp(@TempDir Path tmp) throws IOException, NoSuchAlgorithmException {
        JsonNode golden = new ObjectMapper().readTree(SharedFiles.testdata("golden/kquant-dequant.json").toFile())
                .get("files");
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        try (ComputePool pool = new ComputePool(2, 0)) {
            for (Map.Entry<String, JsonNode> file : golden.properties()) {
                Path out = tmp.resolve("f32.gguf");
                try (GgufFile in = GgufFile.open(SharedFiles.model(file.getKey()))) {
                    GgufQuantizer.quantize(in, out, GgufFileType.ALL_F32, pool);
                }
                try (GgufFile f32 = GgufFile.open(out)) {
                    for (Map.Entry<String, JsonNode> tensor : file.getValue().properties()) {
                        GgufTensorInfo t = f32.tensor(tensor.getKey()).orElseThrow();
                        assertEquals(GgmlType.F32, t.type());
                        MessageDigest sha = MessageDigest.getInstance("SHA-256");
                        sha.update(f32.tensorData(t).asByteBuffer());
                        String actual = HexFormat.of().formatHex(sha.digest());
                        if (!actual.equals(tensor.getValue().get("sha256_f32").asText())) {
                            mismatches.add(file.getKey() + " " + tensor.getKey() + " ("
                                    + tensor.getValue().get("type").asText() + ")");
                        }
                        checked++;
                    }
                }
            }
        }
        assertEquals(List.of(), mismatches, "tensors whose dequantized bytes differ from llama.cpp's");
        assertEquals(8 * 39, checked);
    }
}
