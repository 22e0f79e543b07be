/**
 * Tokenizers built from GGUF metadata alone, giving the same ids as llama.cpp: SentencePiece-style BPE with scores
 * and byte fallback ({@code tokenizer.ggml.model = llama}) and byte-level BPE with merges and the pre-tokenizer named
 * by {@code tokenizer.ggml.pre} ({@code gpt2}). Anything else is refused at load with
 * {@link dev.baton.engine.tokenizer.UnsupportedTokenizerException}.
 * <p>
 * Entry point: {@link dev.baton.engine.tokenizer.Tokenizer#fromGguf}. Encoding first cuts out special tokens
 * ({@code SpecialTokenSplitter}), then runs the model's encoder on each text fragment ({@code SpmEncoder},
 * {@code BpeEncoder} with a {@code PreTokenizer}); both merge with {@code PairMerger} in O(n log n). Decoding goes
 * through {@link dev.baton.engine.tokenizer.StreamingDecoder}, which never emits part of a UTF-8 character.
 */
package dev.baton.engine.tokenizer;
