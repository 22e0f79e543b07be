package dev.baton.engine.model;

import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufTensorInfo;
import dev.baton.engine.tensor.WeightFormats;
import dev.baton.engine.tensor.WeightMatrix;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tensors one {@link LayerRange} needs, mapped from a GGUF file: its blocks, plus the token embedding when the
 * range is first and the final norm and classifier when it is last. Matrices stay in the file's memory mapping;
 * only the small norm vectors are copied out as floats. The file must stay open while these weights are used.
 *
 * @param tokenEmbedding  vocab × dim, present in the first range only
 * @param layers          the blocks of the range, in order
 * @param outputNorm      final RMSNorm weights, last range only
 * @param output          classifier, vocab × dim ({@code output.weight}, or the token embedding when the model ties
 *                        them), last range only
 * @param ropeFreqFactors per-pair RoPE frequency divisors ({@code rope_freqs.weight}, Llama 3.1 style), or null
 */
public record RangeWeights(LlamaConfig config, LayerRange range, WeightMatrix tokenEmbedding,
                           List<LayerWeights> layers, float[] outputNorm, WeightMatrix output,
                           float[] ropeFreqFactors) {

    static final String TOKEN_EMBEDDING = "token_embd.weight";

    /** Maps the tensors of {@code range} from {@code file}, checking every shape against {@code config}. */
    public static RangeWeights load(GgufFile file, LlamaConfig config, LayerRange range) {
        range.checkWithin(config);
        TensorLoader loader = new TensorLoader(file);
        int dim = config.dim();
        WeightMatrix embedding = range.isFirst() ? loader.matrix(TOKEN_EMBEDDING, config.vocabSize(), dim) : null;
        List<LayerWeights> layers = new ArrayList<>(range.size());
        for (int l = range.from(); l < range.to(); l++) {
            String p = "blk." + l + ".";
            layers.add(new LayerWeights(
                    loader.vector(p + "attn_norm.weight", dim),
                    loader.matrix(p + "attn_q.weight", config.qDim(), dim),
                    loader.matrix(p + "attn_k.weight", config.kvDim(), dim),
                    loader.matrix(p + "attn_v.weight", config.kvDim(), dim),
                    loader.matrix(p + "attn_output.weight", dim, config.qDim()),
                    loader.vector(p + "ffn_norm.weight", dim),
                    loader.matrix(p + "ffn_gate.weight", config.ffnDim(), dim),
                    loader.matrix(p + "ffn_up.weight", config.ffnDim(), dim),
                    loader.matrix(p + "ffn_down.weight", dim, config.ffnDim())));
        }
        float[] outputNorm = null;
        WeightMatrix output = null;
        if (range.isLast(config)) {
            outputNorm = loader.vector("output_norm.weight", dim);
            output = file.tensor("output.weight").isPresent()
                    ? loader.matrix("output.weight", config.vocabSize(), dim)
                    : loader.matrix(TOKEN_EMBEDDING, config.vocabSize(), dim);
        }
        float[] ropeFreqs = file.tensor("rope_freqs.weight").isPresent()
                ? loader.vector("rope_freqs.weight", config.ropeDim() / 2) : null;
        return new RangeWeights(config, range, embedding, List.copyOf(layers), outputNorm, output, ropeFreqs);
    }

    /** Bytes of weights one token reads in this range: every matrix once, one embedding row, the norms. */
    public long bytesReadPerToken() {
        long bytes = 0;
        if (tokenEmbedding != null) {
            bytes += tokenEmbedding.type().byteSize(tokenEmbedding.cols());
        }
        for (LayerWeights layer : layers) {
            bytes += layer.bytes();
        }
        if (output != null) {
            bytes += matrixBytes(output) + 4L * outputNorm.length;
        }
        return bytes;
    }

    static long matrixBytes(WeightMatrix m) {
        return m.type().byteSize((long) m.rows() * m.cols());
    }

    /** Looks tensors up by name and checks their shapes, with messages naming the tensor. */
    private record TensorLoader(GgufFile file) {

        WeightMatrix matrix(String name, int rows, int cols) {
            GgufTensorInfo info = find(name);
            if (info.shape().length > 2 || info.rowLength() != cols || info.rows() != rows) {
                throw new UnsupportedModelException("tensor " + name + " has shape " + shape(info)
                        + ", expected [" + cols + ", " + rows + "]");
            }
            return WeightFormats.of(info.type()).matrix(file.tensorData(info), rows, cols);
        }

        float[] vector(String name, int length) {
            GgufTensorInfo info = find(name);
            if (info.elementCount() != length) {
                throw new UnsupportedModelException("tensor " + name + " has shape " + shape(info)
                        + ", expected [" + length + "]");
            }
            float[] values = new float[length];
            WeightFormats.of(info.type()).dequantize(file.tensorData(info), 0, values, 0, length);
            return values;
        }

        private GgufTensorInfo find(String name) {
            Optional<GgufTensorInfo> info = file.tensor(name);
            return info.orElseThrow(() -> new UnsupportedModelException("tensor " + name + " is missing"));
        }

        private static String shape(GgufTensorInfo info) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < info.shape().length; i++) {
                s.append(i == 0 ? "" : ", ").append(info.shape()[i]);
            }
            return s.append("]").toString();
        }
    }
}
