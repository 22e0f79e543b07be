/**
 * Baton's inference core, plain Java with no framework: GGUF files ({@code gguf}), weight types and their kernels
 * ({@code tensor}), the Llama forward pass over a layer range ({@code model}), sampling ({@code sampling}),
 * tokenizers and chat templates ({@code tokenizer}) and the command line ({@code cli}).
 * Worker stages and the tokenizer service are thin shells around these packages.
 */
package dev.baton.engine;
