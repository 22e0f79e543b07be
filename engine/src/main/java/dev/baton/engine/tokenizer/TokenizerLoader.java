package dev.baton.engine.tokenizer;

import dev.baton.engine.gguf.GgufMetadata;
import dev.baton.engine.gguf.GgufValueType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Reads a tokenizer from GGUF metadata with llama.cpp's defaults for absent keys and its text-based fix-ups (end-of-
 * turn and fill-in-the-middle tokens found by their text and made control tokens, Phi-3's whitespace stripping).
 */
final class TokenizerLoader {
    private static final String PREFIX = "tokenizer.ggml.";

    /** Pre-tokenizers llama.cpp treats as Llama 3's: a word that is a token is taken whole, and BOS is added. */
    private static final Set<String> LLAMA3_FAMILY = Set.of(
            "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2");

    private static final List<String> EOT_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>",
            "<end_of_utterance>");
    private static final List<String> EOM_TEXTS = List.of("<|eom_id|>");
    private static final List<String> FIM_PRE_TEXTS = List.of("<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>",
            "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>");
    private static final List<String> FIM_SUF_TEXTS = List.of("<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",
            "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>");
    private static final List<String> FIM_MID_TEXTS = List.of("<|fim_middle|>", "<fim-middle>", "<fim_middle>",
            "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>");
    private static final List<String> FIM_PAD_TEXTS = List.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>",
            "[PAD]");
    private static final List<String> FIM_REP_TEXTS = List.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>",
            "<REPO>", "<reponame>");
    private static final List<String> FIM_SEP_TEXTS = List.of("<|file_sep|>");
    /** Tokens that end generation wherever they appear in a vocabulary (llama.cpp's list). */
    private static final Set<String> END_OF_GENERATION_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>",
            "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>",
            "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>",
            "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[");

    private TokenizerLoader() {
    }

    static Tokenizer load(GgufMetadata m) {
        if (!m.has(PREFIX + "model")) {
            throw new UnsupportedTokenizerException("the model has no tokenizer: metadata '" + PREFIX + "model' is missing");
        }
        String model = m.getString(PREFIX + "model");
        boolean spm = model.equals("llama");
        if (!spm && !model.equals("gpt2")) {
            throw new UnsupportedTokenizerException("tokenizer model '" + model + "' (" + PREFIX
                    + "model) is not supported; Baton implements 'llama' (SentencePiece BPE) and 'gpt2' (byte-level BPE)");
        }
        String preName = spm ? "" : m.optString(PREFIX + "pre").filter(p -> !p.isEmpty()).orElse("default");
        PreTokenizer preTokenizer = spm ? null : PreTokenizer.named(preName).orElseThrow(() ->
                new UnsupportedTokenizerException("pre-tokenizer '" + preName + "' (" + PREFIX
                        + "pre) is not supported; Baton implements " + String.join(", ", PreTokenizer.supportedNames())));

        String[] texts = m.getStringArray(PREFIX + "tokens");
        int n = texts.length;
        if (n == 0) {
            throw new UnsupportedTokenizerException("the vocabulary (" + PREFIX + "tokens) is empty");
        }
        float[] scores = scores(m, n);
        TokenType[] types = types(m, n);
        Map<String, Integer> ids = new HashMap<>(n * 2);
        for (int id = 0; id < n; id++) {
            if (texts[id].isEmpty()) {
                texts[id] = "[EMPTY_" + id + "]"; // as llama.cpp names them, so they stay distinct
            }
            Integer other = ids.putIfAbsent(texts[id], id);
            if (other != null) {
                throw new UnsupportedTokenizerException("duplicate token in vocabulary: '" + texts[id] + "' has ids "
                        + other + " and " + id);
            }
        }

        int bos = specialId(m, "bos_token_id", spm ? 1 : 11, n);
        int eos = specialId(m, "eos_token_id", spm ? 2 : 11, n);
        int eot = specialId(m, "eot_token_id", Vocabulary.NONE, n);
        int eom = specialId(m, "eom_token_id", Vocabulary.NONE, n);
        int unk = specialId(m, "unknown_token_id", spm ? 0 : Vocabulary.NONE, n);
        int sep = specialId(m, "seperator_token_id", Vocabulary.NONE, n);
        int pad = specialId(m, "padding_token_id", Vocabulary.NONE, n);
        int mask = specialId(m, "mask_token_id", Vocabulary.NONE, n);
        int fimPre = specialId(m, "fim_pre_token_id", specialId(m, "prefix_token_id", Vocabulary.NONE, n), n);
        int fimSuf = specialId(m, "fim_suf_token_id", specialId(m, "suffix_token_id", Vocabulary.NONE, n), n);
        int fimMid = specialId(m, "fim_mid_token_id", specialId(m, "middle_token_id", Vocabulary.NONE, n), n);
        int fimPad = specialId(m, "fim_pad_token_id", Vocabulary.NONE, n);
        int fimRep = specialId(m, "fim_rep_token_id", Vocabulary.NONE, n);
        int fimSep = specialId(m, "fim_sep_token_id", Vocabulary.NONE, n);

        boolean llama3 = !spm && LLAMA3_FAMILY.contains(preName);
        boolean addBos = m.optBoolean(PREFIX + "add_bos_token").orElse(spm || llama3);
        boolean addEos = m.optBoolean(PREFIX + "add_eos_token").orElse(false);
        boolean addSpacePrefix = spm && m.optBoolean(PREFIX + "add_space_prefix").orElse(true);
        if (addBos && bos == Vocabulary.NONE) {
            throw new UnsupportedTokenizerException(PREFIX + "add_bos_token is true, but " + PREFIX
                    + "bos_token_id is not set");
        }
        if (addEos && eos == Vocabulary.NONE) {
            throw new UnsupportedTokenizerException(PREFIX + "add_eos_token is true, but " + PREFIX
                    + "eos_token_id is not set");
        }

        // tokens llama.cpp recognizes by their text when the metadata does not name them; all become control tokens
        eot = eot != Vocabulary.NONE ? eot : findControl(EOT_TEXTS, ids, types);
        eom = eom != Vocabulary.NONE ? eom : findControl(EOM_TEXTS, ids, types);
        fimPad = fimPad != Vocabulary.NONE ? fimPad : findControl(FIM_PAD_TEXTS, ids, types);
        fimRep = fimRep != Vocabulary.NONE ? fimRep : findControl(FIM_REP_TEXTS, ids, types);
        fimSep = fimSep != Vocabulary.NONE ? fimSep : findControl(FIM_SEP_TEXTS, ids, types);
        if (fimPre == Vocabulary.NONE) {
            findControl(FIM_PRE_TEXTS, ids, types);
        }
        if (fimSuf == Vocabulary.NONE) {
            findControl(FIM_SUF_TEXTS, ids, types);
        }
        if (fimMid == Vocabulary.NONE) {
            findControl(FIM_MID_TEXTS, ids, types);
        }
        Set<Integer> endOfGeneration = new TreeSet<>();
        for (int id = 0; id < n; id++) {
            if (END_OF_GENERATION_TEXTS.contains(texts[id])) {
                endOfGeneration.add(id);
                types[id] = TokenType.CONTROL;
            }
        }
        for (int id : new int[] {eos, eot, eom, fimPad, fimRep, fimSep}) {
            if (id != Vocabulary.NONE) {
                endOfGeneration.add(id);
            }
        }

        int[] candidates = IntStream.range(0, n)
                .filter(id -> types[id].isSpecial() || types[id] == TokenType.USER_DEFINED)
                .boxed()
                .sorted(Comparator.<Integer>comparingInt(id -> -texts[id].getBytes(StandardCharsets.UTF_8).length)
                        .thenComparingInt(id -> id))
                .mapToInt(Integer::intValue)
                .toArray();
        boolean[] lstrip = new boolean[n];
        boolean[] rstrip = new boolean[n];
        String name = m.optString("general.name").orElse("").toLowerCase(Locale.ROOT);
        if (name.contains("phi-3") || name.contains("phi3")) {
            // Phi-3's special tokens swallow the whitespace after them (its tokenizer marks them rstrip)
            for (int id : candidates) {
                rstrip[id] = true;
            }
            setIfPresent(rstrip, ids, "</s>", true);
            for (String keep : List.of("<unk>", "<s>", "<|endoftext|>")) {
                setIfPresent(rstrip, ids, keep, false);
            }
        }

        int[] eog = endOfGeneration.stream().mapToInt(Integer::intValue).toArray();
        Vocabulary vocabulary = new Vocabulary(model, spm ? "" : preName, texts, scores, types, ids,
                new Vocabulary.SpecialIds(bos, eos, eot, eom, unk, sep, pad, mask), addBos, addEos, addSpacePrefix,
                eog);
        FragmentEncoder encoder = spm
                ? new SpmEncoder(texts, types, scores, ids, addSpacePrefix, unk)
                : new BpeEncoder(texts, types, ids, m.getStringArray(PREFIX + "merges"), preTokenizer, llama3);
        return new VocabularyTokenizer(vocabulary, new SpecialTokenSplitter(texts, types, candidates, lstrip, rstrip),
                encoder, TokenPieces.of(texts, types, !spm));
    }

    private static float[] scores(GgufMetadata m, int n) {
        String key = PREFIX + "scores";
        if (!m.has(key)) {
            return new float[n];
        }
        float[] scores;
        if (m.type(key) == GgufValueType.ARRAY && m.getArray(key).elementType().isInteger()) {
            int[] ints = m.getIntArray(key);
            scores = new float[ints.length];
            for (int i = 0; i < ints.length; i++) {
                scores[i] = ints[i];
            }
        } else {
            scores = m.getFloatArray(key);
        }
        if (scores.length < n) {
            throw new UnsupportedTokenizerException(key + " has " + scores.length + " entries for " + n + " tokens");
        }
        return scores;
    }

    private static TokenType[] types(GgufMetadata m, int n) {
        String key = PREFIX + "token_type";
        TokenType[] types = new TokenType[n];
        if (!m.has(key)) {
            Arrays.fill(types, TokenType.NORMAL);
            return types;
        }
        int[] values = m.getIntArray(key);
        if (values.length < n) {
            throw new UnsupportedTokenizerException(key + " has " + values.length + " entries for " + n + " tokens");
        }
        for (int i = 0; i < n; i++) {
            types[i] = TokenType.fromGguf(values[i]);
        }
        return types;
    }

    /** A special token id from metadata; like llama.cpp, an absent or out-of-range value keeps the default. */
    private static int specialId(GgufMetadata m, String key, int fallback, int n) {
        int id = fallback >= n ? Vocabulary.NONE : fallback;
        if (!m.has(PREFIX + key)) {
            return id;
        }
        long value = m.getLong(PREFIX + key);
        return value >= 0 && value < n ? (int) value : id;
    }

    /** The first token (by id) with one of these texts, made a control token; or NONE. */
    private static int findControl(List<String> candidates, Map<String, Integer> ids, TokenType[] types) {
        int found = Vocabulary.NONE;
        for (String text : candidates) {
            Integer id = ids.get(text);
            if (id != null && (found == Vocabulary.NONE || id < found)) {
                found = id;
            }
        }
        if (found != Vocabulary.NONE) {
            types[found] = TokenType.CONTROL;
        }
        return found;
    }

    private static void setIfPresent(boolean[] flags, Map<String, Integer> ids, String text, boolean value) {
        Integer id = ids.get(text);
        if (id != null) {
            flags[id] = value;
        }
    }
}
