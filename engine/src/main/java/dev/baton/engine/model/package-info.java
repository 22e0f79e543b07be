/**
 * The Llama forward pass over a range of layers, as a pipeline stage runs it.
 *
 * <p>{@link dev.baton.engine.model.LlamaConfig} reads the hyperparameters from GGUF metadata;
 * {@link dev.baton.engine.model.RangeWeights} maps the tensors of one {@link dev.baton.engine.model.LayerRange};
 * {@link dev.baton.engine.model.LlamaStage} advances a {@link dev.baton.engine.model.StepBatch} of sequence segments
 * (decode tokens and prefill chunks, mixed) through those layers, keeping each sequence's keys and values in a paged
 * {@link dev.baton.engine.model.KvCache}. The first range embeds token ids, the last produces
 * {@link dev.baton.engine.model.Logits}; between ranges the hidden state travels as
 * {@link dev.baton.engine.model.Activations}, which serialize to F32 or BF16 bytes. A whole model is one range;
 * {@link dev.baton.engine.model.LocalPipeline} chains ranges in one process and
 * {@link dev.baton.engine.model.Generator} turns it into prompt-in, tokens-out generation.
 *
 * <p>Every result is bit-identical whatever the batch composition, chunking, thread count or split: matrix products
 * go through {@code WeightMatrix.multiply} (fixed reduction order per output), and everything else here is computed
 * per row or per (sequence, head) in a fixed order.
 */
package dev.baton.engine.model;
