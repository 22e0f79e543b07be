/**
 * GGUF files: reading them memory-mapped ({@link dev.baton.engine.gguf.GgufFile}) and writing them as a stream
 * ({@link dev.baton.engine.gguf.GgufWriter}).
 * <p>
 * The reader treats every file as untrusted: each declared count, length, offset and shape is checked against the
 * bytes that remain before anything is allocated, and every problem surfaces as a
 * {@link dev.baton.engine.gguf.GgufFormatException} naming the offset and the field. Tensor data is never copied:
 * {@link dev.baton.engine.gguf.GgufFile#tensorData} returns read-only slices of the mapping. Whether a tensor type can
 * be computed with is not this package's question; the model loader refuses what the kernels cannot do.
 * <p>
 * Two producers of model files build on the writer: {@link dev.baton.engine.gguf.GgufQuantizer} (a model as another
 * llama.cpp file type, with llama-quantize's type for each tensor from {@link dev.baton.engine.gguf.QuantizationMix})
 * and {@link dev.baton.engine.gguf.SyntheticLlama}
 * (random weights in real Llama shapes, for benchmarks). Both encode through {@code tensor.WeightFormats}.
 */
package dev.baton.engine.gguf;
