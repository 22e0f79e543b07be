package dev.baton.engine.tokenizer;

/** The {@link Tokenizer} for a loaded vocabulary: special tokens cut out first, then the model's encoder. */
final class VocabularyTokenizer implements Tokenizer {
    private final Vocabulary vocabulary;
    private final SpecialTokenSplitter splitter;
    private final FragmentEncoder encoder;
    private final TokenPieces pieces;

    VocabularyTokenizer(Vocabulary vocabulary, SpecialTokenSplitter splitter, FragmentEncoder encoder,
                        TokenPieces pieces) {
        this.vocabulary = vocabulary;
        this.splitter = splitter;
        this.encoder = encoder;
        this.pieces = pieces;
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList(text.length() / 3 + 2);
        if (addSpecial && vocabulary.addsBos()) {
            out.add(vocabulary.bos());
        }
        boolean atTextStart = true;
        SpecialTokenSplitter.Fragments fragments = splitter.split(text, parseSpecial);
        for (int i = 0; i < fragments.size(); i++) {
            if (fragments.isText(i)) {
                encoder.encode(text, fragments.from(i), fragments.to(i), atTextStart, out);
                atTextStart = false;
            } else {
                out.add(fragments.token(i));
                atTextStart = true;
            }
        }
        if (addSpecial && vocabulary.addsEos()) {
            out.add(vocabulary.eos());
        }
        return out.toArray();
    }

    @Override
    public String decode(int[] ids) {
        StreamingDecoder decoder = streamingDecoder();
        StringBuilder text = new StringBuilder(ids.length * 4);
        for (int id : ids) {
            decoder.append(id, text);
        }
        decoder.finish(text);
        return text.toString();
    }

    @Override
    public byte[] tokenBytes(int id) {
        vocabulary.tokenText(id); // range check
        return pieces.bytes(id);
    }

    @Override
    public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(pieces, vocabulary, Vocabulary.NONE);
    }

    @Override
    public StreamingDecoder streamingDecoder(int previousToken) {
        if (previousToken != Vocabulary.NONE) {
            vocabulary.tokenText(previousToken); // range check
        }
        return new StreamingDecoder(pieces, vocabulary, previousToken);
    }

    @Override
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public String toString() {
        return "Tokenizer[" + vocabulary.model() + (vocabulary.model().equals("gpt2") ? "/" + vocabulary.preTokenizer() : "")
                + ", " + vocabulary.size() + " tokens]";
    }
}
