package dev.baton.engine.gguf;

import dev.baton.engine.tensor.ComputePool;
import dev.baton.engine.tensor.GgmlType;
import dev.baton.engine.tensor.WeightFormat;
import dev.baton.engine.tensor.WeightFormats;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a GGUF model as another {@link GgufFileType}, choosing each tensor's type as llama.cpp's
 * {@code llama-quantize} does ({@link QuantizationMix}: K-quant mixes, Q6_K output, fallbacks for rows that do not
 * fit a block) and writing tensors in llama.cpp's order, so the tensors of a file Baton writes are those llama.cpp
 * would write. Target F32 instead dequantizes every tensor. Metadata is copied, with {@code general.file_type} and
 * {@code general.quantization_version} set. Tensors stream through one chunk of memory at a time, in parallel.
 */
public final class GgufQuantizer {
    /** One tensor's type before and after. */
    public record Conversion(GgufTensorInfo tensor, GgmlType to) {
        public boolean changesType() {
            return tensor.type() != to;
        }
    }

    private GgufQuantizer() {
    }

    /** The conversions {@link #quantize} would make, in writing order; fails before any writing if one is impossible. */
    public static List<Conversion> plan(GgufFile in, GgufFileType fileType) {
        List<Conversion> plan = new ArrayList<>();
        for (QuantizationMix.Choice choice : QuantizationMix.plan(in, fileType)) {
            Conversion c = new Conversion(choice.tensor(), choice.type());
            GgufTensorInfo t = c.tensor();
            if (c.changesType() && !WeightFormats.isSupported(t.type())) {
                throw new IllegalArgumentException("cannot convert tensor " + t.name() + " from " + t.type() + " to "
                        + c.to() + ": Baton cannot decode " + t.type() + " (it decodes "
                        + WeightFormats.supportedTypes() + ")");
            }
            if (c.changesType() && !WeightFormats.isSupported(c.to())) {
                throw new IllegalArgumentException("cannot write tensor " + t.name() + " as " + c.to());
            }
            plan.add(c);
        }
        return plan;
    }

    /** Writes {@code in} as a {@code fileType} file to {@code out}; returns what was done. */
    public static List<Conversion> quantize(GgufFile in, Path out, GgufFileType fileType, ComputePool pool)
            throws IOException {
        List<Conversion> plan = plan(in, fileType);
        try (GgufWriter writer = GgufWriter.create(out)) {
            writer.putAll(in.metadata())
                    .putUint32(GgufFileType.QUANTIZATION_VERSION_KEY, GgufFileType.QUANTIZATION_VERSION)
                    .putUint32(GgufFileType.KEY, fileType.id());
            for (Conversion c : plan) {
                writer.addTensor(c.tensor().name(), c.to(), c.tensor().shape());
            }
            for (Conversion c : plan) {
                GgufTensorInfo t = c.tensor();
                MemorySegment data = in.tensorData(t);
                if (!c.changesType()) {
                    writer.writeTensor(t.name(), data);
                    continue;
                }
                WeightFormat from = WeightFormats.of(t.type());
                WeightFormat to = WeightFormats.of(c.to());
                int rowLength = t.rowLength();
                long rowBytes = from.rowBytes(rowLength);
                writer.writeTensor(t.name(), sink -> RowEncoder.encode(sink, to, t.elementCount() / rowLength,
                        rowLength, (row, dst) -> from.dequantize(data, row * rowBytes, dst, 0, rowLength), pool));
            }
        }
        return plan;
    }
}
