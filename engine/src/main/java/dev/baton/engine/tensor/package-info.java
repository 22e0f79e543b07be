/**
 * Weight types and their matrix kernels: how a GGUF tensor's bytes become numbers and how a weight matrix multiplies a
 * batch of activation rows. One {@link dev.baton.engine.tensor.WeightFormat} per ggml type Baton computes with
 * (found through {@link dev.baton.engine.tensor.WeightFormats}); each gives a
 * {@link dev.baton.engine.tensor.WeightMatrix} over memory-mapped weights with a Vector-API kernel and a scalar
 * reference kernel that computes bit-for-bit the same values.
 *
 * <p>Numerics follow llama.cpp's CPU backend (see {@code docs/numerics.md} in the shared folder): activations are first
 * converted to the weight type's partner format (F32, F16, BF16, or Q8_0 blocks for the 32-element quantized types).
 * Each output value is computed in a fixed order that does not depend on the batch, the other rows, or the thread count,
 * so results are bit-identical however the work is split. {@link dev.baton.engine.tensor.ComputePool} runs the kernels
 * on a fixed set of threads.
 */
package dev.baton.engine.tensor;
