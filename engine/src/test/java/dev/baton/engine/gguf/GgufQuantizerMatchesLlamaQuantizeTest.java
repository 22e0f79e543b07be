package dev.baton.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.engine.SharedFiles;
import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A file {@code baton quantize} writes holds exactly the tensors llama-quantize writes: the same names in the same
 * order, with the same types, shapes and bytes, for every file type llama-quantize was run with in
 * llama-quantize-reference.json (test resource; its note says how it was made). The sources cover the tensor rules:
 * kq-small (rows of 256, 4 layers), stories260K (rows of 64 and 172: every fallback) and "synthetic gqa12", 12 layers
 * with 4:1 grouped-query attention, where the mixes' per-layer rules show (rebuilt here from the note's formula).
 */
class GgufQuantizerMatchesLlamaQuantizeTest {
    private static final String GQA12 = "synthetic gqa12";

    @TempDir
    static Path tmp;

    private static ComputePool pool;
    private static Path gqa12;

    @BeforeAll
    static void setUp() throws IOException {
        pool = new ComputePool(2, 0);
        gqa12 = writeGqa12(tmp.resolve("gqa12.gguf"));
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    static JsonNode reference() throws IOException {
        try (InputStream in = GgufQuantizerMatchesLlamaQuantizeTest.class
                .getResourceAsStream("/llama-quantize-reference.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static Stream<String> cases() throws IOException {
        List<String> names = new ArrayList<>();
        reference().get("files").fieldNames().forEachRemaining(names::add);
        return names.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void sameTensorsInTheSameOrderWithTheSameBytes(String testCase) throws Exception {
        JsonNode expected = reference().get("files").get(testCase);
        String[] parts = testCase.split(" --type ");
        Path source = parts[0].equals(GQA12) ? gqa12 : SharedFiles.model(parts[0]);
        GgufFileType fileType = GgufFileType.byCliName(parts[1]).orElseThrow();
        Path out = tmp.resolve(testCase.replaceAll("[^A-Za-z0-9_.-]", "_") + ".gguf");
        try (GgufFile in = GgufFile.open(source)) {
            GgufQuantizer.quantize(in, out, fileType, pool);
        }
        StringBuilder want = new StringBuilder();
        StringBuilder got = new StringBuilder();
        try (GgufFile ours = GgufFile.open(out)) {
            assertEquals(expected.get("file_type").asLong(), ours.metadata().getLong(GgufFileType.KEY));
            for (Map.Entry<String, JsonNode> e : expected.get("tensors").properties()) {
                want.append(e.getKey()).append(' ').append(e.getValue().get("type").asText()).append(' ')
                        .append(e.getValue().get("ne").toString()).append(' ').append(e.getValue().get("sha256").asText())
                        .append('\n');
            }
            for (GgufTensorInfo t : ours.tensors()) {
                got.append(t.name()).append(' ').append(t.type()).append(' ')
                        .append(Arrays.stream(t.shape()).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"))).append(' ')
                        .append(sha256(ours.tensorData(t))).append('\n');
            }
        }
        assertEquals(want.toString(), got.toString());
    }

    /**
     * The note's model: Llama, dim 256, 12 layers, 8 heads over 2 KV heads, FFN 512, vocabulary 32; norms are ones and
     * weight i of the t-th tensor (in the order written here) is ((i·2654435761 + t·40503) mod 2001 − 1000) / 1000.
     */
    private static Path writeGqa12(Path out) throws IOException {
        int dim = 256;
        int kvDim = 64;
        int ffn = 512;
        int vocab = 32;
        List<String> names = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        names.add("token_embd.weight");
        shapes.add(new long[] {dim, vocab});
        names.add("output_norm.weight");
        shapes.add(new long[] {dim});
        names.add("output.weight");
        shapes.add(new long[] {dim, vocab});
        for (int layer = 0; layer < 12; layer++) {
            String p = "blk." + layer + ".";
            names.addAll(List.of(p + "attn_norm.weight", p + "attn_q.weight", p + "attn_k.weight", p + "attn_v.weight",
                    p + "attn_output.weight", p + "ffn_norm.weight", p + "ffn_gate.weight", p + "ffn_up.weight",
                    p + "ffn_down.weight"));
            shapes.addAll(List.of(new long[] {dim}, new long[] {dim, dim}, new long[] {dim, kvDim},
                    new long[] {dim, kvDim}, new long[] {dim, dim}, new long[] {dim}, new long[] {dim, ffn},
                    new long[] {dim, ffn}, new long[] {ffn, dim}));
        }
        try (GgufWriter w = GgufWriter.create(out)) {
            w.putString("general.architecture", "llama")
                    .putUint32("llama.block_count", 12)
                    .putUint32("llama.embedding_length", dim)
                    .putUint32("llama.feed_forward_length", ffn)
                    .putUint32("llama.attention.head_count", 8)
                    .putUint32("llama.attention.head_count_kv", 2)
                    .putUint32(GgufFileType.KEY, GgufFileType.ALL_F32.id());
            for (int t = 0; t < names.size(); t++) {
                w.addTensor(names.get(t), GgmlType.F32, shapes.get(t));
            }
            for (int t = 0; t < names.size(); t++) {
                long[] shape = shapes.get(t);
                int n = (int) (shape.length == 1 ? shape[0] : shape[0] * shape[1]);
                float[] values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = shape.length == 1 ? 1f
                            : (float) ((((long) i * 2654435761L + (long) t * 40503L) % 2001 - 1000) / 1000.0);
                }
                w.writeTensor(names.get(t), MemorySegment.ofArray(littleEndianBytes(values)));
            }
        }
        return out;
    }

    private static byte[] littleEndianBytes(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return bytes.array();
    }

    private static String sha256(MemorySegment data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data.toArray(ValueLayout.JAVA_BYTE)));
    }
}
