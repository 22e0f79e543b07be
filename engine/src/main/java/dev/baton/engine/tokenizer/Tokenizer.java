package dev.baton.engine.tokenizer;

import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.gguf.GgufMetadata;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Text to token ids and back, exactly as a model's own vocabulary defines it (and as llama.cpp tokenizes). Built from
 * GGUF metadata alone; thread-safe.
 */
public interface Tokenizer {
    /**
     * The tokenizer a model's metadata describes.
     *
     * @throws UnsupportedTokenizerException for a tokenizer model or pre-tokenizer Baton does not implement, or
     *                                       metadata that contradicts itself
     * @throws dev.baton.engine.gguf.GgufFormatException when a tokenizer key is missing or has the wrong type
     */
    static Tokenizer fromGguf(GgufMetadata metadata) {
        return TokenizerLoader.load(metadata);
    }

    /** Reads the tokenizer of the GGUF file at {@code path} (its metadata only; tensors are not touched). */
    static Tokenizer fromGguf(Path path) throws IOException {
        try (GgufFile file = GgufFile.open(path)) {
            return fromGguf(file.metadata());
        }
    }

    /**
     * The token ids of {@code text}.
     *
     * @param addSpecial   add BOS and/or EOS as the vocabulary's defaults say ({@link Vocabulary#addsBos()},
     *                     {@link Vocabulary#addsEos()})
     * @param parseSpecial recognize control tokens written in the text ({@code <|im_start|>}, {@code <s>}); without
     *                     it, such text is encoded as ordinary characters. User-defined tokens are always recognized.
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /**
     * The text of a whole sequence: control tokens produce nothing, and a SentencePiece space prefix is removed from
     * the start (see {@link StreamingDecoder}). Incomplete or invalid UTF-8 becomes U+FFFD.
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    String decode(int[] ids);

    /** The bytes token {@code id} stands for; control tokens as their text ({@code <s>}), which decoding omits. */
    byte[] tokenBytes(int id);

    /** A decoder for a sequence from its start: what it returns for a sequence, put together, is {@code decode}'s text. */
    StreamingDecoder streamingDecoder();

    /**
     * A decoder for tokens that continue a sequence whose last token so far is {@code previousToken} (e.g. generated
     * tokens after a prompt): the first token keeps its leading space unless {@code previousToken} is BOS.
     */
    StreamingDecoder streamingDecoder(int previousToken);

    Vocabulary vocabulary();
}
