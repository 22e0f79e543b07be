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
 * Rewrites a GGUF model with its weights in another type, choosing per tensor as llama.cpp's {@code llama-quantize}
 * does: only 2-D (or more) {@code *weight} tensors that are not norms change type, and a tensor whose row length is
 * not a multiple of the target's block size keeps its type. Unlike llama-quantize, {@code output.weight} gets the
 * target type too (llama-quantize would pick Q6_K, which Baton cannot compute with). Target F32 instead dequantizes
 * every tensor. Metadata is copied, with {@code general.file_type} and {@code general.quantization_version} set.
 * Tensors stream through one chunk of memory at a time, in parallel.
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

    /** The type {@code tensor} gets when a file is converted to {@code target}. */
    public static GgmlType targetType(GgufTensorInfo tensor, GgmlType target) {
        if (target == GgmlType.F32) {
            return GgmlType.F32;
        }
        boolean weightMatrix = tensor.name().endsWith("weight") && tensor.dimensions() >= 2
                && !tensor.name().contains("_norm.weight");
        boolean rowsFit = tensor.dim(0) % target.blockSize() == 0;
        return weightMatrix && rowsFit ? target : tensor.type();
    }

    /** The conversions {@link #quantize} would make; fails before any writing if one is impossible. */
    public static List<Conversion> plan(GgufFile in, GgmlType target) {
        GgufFileType.forWeights(target).filter(f -> WeightFormats.isSupported(target)).orElseThrow(
                () -> new IllegalArgumentException("cannot convert a model to " + target + " (Baton writes "
                        + List.of(GgufFileType.values()).stream().map(f -> f.weights().name()).toList() + ")"));
        List<Conversion> plan = new ArrayList<>();
        for (GgufTensorInfo t : in.tensors()) {
            Conversion c = new Conversion(t, targetType(t, target));
            if (c.changesType() && !WeightFormats.isSupported(t.type())) {
                throw new IllegalArgumentException("cannot convert tensor " + t.name() + " from " + t.type() + " to "
                        + c.to() + ": Baton cannot decode " + t.type() + " (it decodes "
                        + WeightFormats.supportedTypes() + ")");
            }
            plan.add(c);
        }
        return plan;
    }

    /** Writes {@code in} with its weights converted to {@code target} to {@code out}; returns what was done. */
    public static List<Conversion> quantize(GgufFile in, Path out, GgmlType target, ComputePool pool)
            throws IOException {
        List<Conversion> plan = plan(in, target);
        try (GgufWriter writer = GgufWriter.create(out)) {
            writer.putAll(in.metadata())
                    .putUint32(GgufFileType.QUANTIZATION_VERSION_KEY, GgufFileType.QUANTIZATION_VERSION)
                    .putUint32(GgufFileType.KEY, GgufFileType.forWeights(target).orElseThrow().id());
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
