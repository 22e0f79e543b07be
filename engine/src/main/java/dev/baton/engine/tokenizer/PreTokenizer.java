package dev.baton.engine.tokenizer;

import dev.baton.engine.tokenizer.ClassRunPattern.Lead;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Splits text into the words byte-level BPE encodes independently, as llama.cpp does for each
 * {@code tokenizer.ggml.pre}: a list of patterns applied in turn, each splitting every piece the previous ones made
 * into its matches and the text between them.
 */
final class PreTokenizer {
    private static final CodepointSet LETTERS = CodepointSet.ofClasses(CodepointClass.LETTER);
    private static final CodepointSet NUMBERS = CodepointSet.ofClasses(CodepointClass.NUMBER);
    private static final CodepointSet PUNCTUATION = CodepointSet.ofClasses(CodepointClass.PUNCTUATION);
    private static final CodepointSet ASCII_DIGITS = CodepointSet.ofRanges('0', '9');
    private static final CodepointSet NEWLINES = CodepointSet.of(0, "\r\n");
    /** {@code [一-龥ࠀ-一가-퟿]}: CJK ideographs, everything from U+0800 up to them, Hangul. */
    private static final CodepointSet CJK = CodepointSet.ofRanges(0x4E00, 0x9FA5, 0x0800, 0x4E00, 0xAC00, 0xD7FF);
    /** DeepSeek LLM's letter class: the cased letters (Lu, Ll, Lt) of Latin, Greek, Cyrillic and other scripts. */
    private static final CodepointSet DEEPSEEK_LETTERS = CodepointSet.ofRanges(
            'A', 'Z', 'a', 'z', 0xB5, 0xB5, 0xC0, 0xD6, 0xD8, 0xF6, 0xF8, 0x1BA, 0x1BC, 0x1BF, 0x1C4, 0x293,
            0x295, 0x2AF, 0x370, 0x373, 0x376, 0x377, 0x37B, 0x37D, 0x37F, 0x37F, 0x386, 0x386, 0x388, 0x38A,
            0x38C, 0x38C, 0x38E, 0x3A1, 0x3A3, 0x3F5, 0x3F7, 0x481, 0x48A, 0x52F, 0x531, 0x556, 0x10A0, 0x10C5,
            0x13A0, 0x13F5, 0x13F8, 0x13FD, 0x1C90, 0x1CBA, 0x1CBD, 0x1CBF, 0x1D00, 0x1D2B, 0x1D6B, 0x1D77,
            0x1D79, 0x1D9A, 0x1E00, 0x1F15, 0x1F18, 0x1F1D, 0x1F20, 0x1F45, 0x1F48, 0x1F4D, 0x1F50, 0x1F57,
            0x1F59, 0x1F59, 0x1F5B, 0x1F5B, 0x1F5D, 0x1F5D, 0x1F5F, 0x1F7D, 0x1F80, 0x1FB4, 0x1FB6, 0x1FBC,
            0x1FBE, 0x1FBE, 0x1FC2, 0x1FC4, 0x1FC6, 0x1FCC, 0x1FD0, 0x1FD3, 0x1FD6, 0x1FDB, 0x1FE0, 0x1FEC,
            0x1FF2, 0x1FF4, 0x1FF6, 0x1FFC, 0x2102, 0x2102, 0x2107, 0x2107, 0x210A, 0x2113, 0x2115, 0x2115,
            0x2119, 0x211D, 0x2124, 0x2124, 0x2126, 0x2126, 0x2128, 0x2128, 0x212A, 0x212D, 0x212F, 0x2134,
            0x2139, 0x2139, 0x213C, 0x213F, 0x2145, 0x2149, 0x214E, 0x214E, 0x2183, 0x2184, 0x2C00, 0x2C7B,
            0x2C7E, 0x2CE4, 0x2CEB, 0x2CEE, 0x2CF2, 0x2CF3, 0xA640, 0xA66D, 0xA680, 0xA69B, 0xA722, 0xA76F,
            0xA771, 0xA787, 0xA78B, 0xA78E, 0xAB70, 0xABBF, 0xFB00, 0xFB06, 0xFB13, 0xFB17, 0xFF21, 0xFF3A,
            0xFF41, 0xFF5A, 0x10400, 0x1044F, 0x104B0, 0x104D3, 0x104D8, 0x104FB, 0x10C80, 0x10CB2, 0x10CC0,
            0x10CF2, 0x118A0, 0x118DF, 0x1E900, 0x1E943);
    /** DeepSeek LLM's punctuation class {@code [!-/:-~！-／：-～‘-‟　-。]}. */
    private static final CodepointSet DEEPSEEK_PUNCTUATION = CodepointSet.ofRanges(
            0x21, 0x2F, 0x3A, 0x7E, 0xFF01, 0xFF0F, 0xFF1A, 0xFF5E, 0x2018, 0x201F, 0x3000, 0x3002);

    private static final SplitPattern GPT2 = new Gpt2Pattern();

    /** Pattern lists by {@code tokenizer.ggml.pre} value, as llama.cpp defines them; patterns are stateless. */
    private static final Map<String, List<SplitPattern>> BY_NAME = new HashMap<>();

    static {
        register(List.of(
                        ClassRunPattern.run(Lead.NONE, CodepointSet.of(CodepointClass.PUNCTUATION, "$+<=>^~|")),
                        GPT2,
                        ClassRunPattern.run(Lead.NONE, NUMBERS),
                        ClassRunPattern.exactly(3, ASCII_DIGITS)),
                "default");
        register(List.of(GPT2),
                "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum",
                "exaone4", "mpt", "olmo", "jais", "trillion", "granite-docling");
        register(List.of(new Llama3Pattern(3)),
                "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "dbrx",
                "smaug-bpe");
        register(List.of(new Llama3Pattern(1)),
                "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "megrez", "stablelm2", "hunyuan", "solar-open",
                "grok-2");
        register(List.of(
                        ClassRunPattern.exactly(1, NEWLINES),
                        ClassRunPattern.run(Lead.WHITESPACE, DEEPSEEK_LETTERS),
                        ClassRunPattern.run(Lead.WHITESPACE, DEEPSEEK_PUNCTUATION),
                        new TrailingWhitespacePattern(),
                        ClassRunPattern.run(Lead.NONE, CJK),
                        ClassRunPattern.run(Lead.NONE, NUMBERS)),
                "deepseek-llm");
        register(List.of(
                        ClassRunPattern.exactly(1, NEWLINES),
                        ClassRunPattern.run(Lead.WHITESPACE, LETTERS),
                        ClassRunPattern.run(Lead.WHITESPACE, PUNCTUATION),
                        ClassRunPattern.run(Lead.NONE, CJK),
                        ClassRunPattern.exactly(1, NUMBERS)),
                "deepseek-coder");
        register(List.of(
                        ClassRunPattern.run(Lead.NONE, CodepointSet.of(CodepointClass.PUNCTUATION, "$+<=>^~|`")),
                        GPT2,
                        ClassRunPattern.exactly(3, ASCII_DIGITS)),
                "falcon");
        register(List.of(ClassRunPattern.exactly(1, NUMBERS), GPT2),
                "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b", "mellum2");
        register(List.of(ClassRunPattern.run(Lead.SPACE,
                        CodepointSet.of(CodepointClass.WHITESPACE, "(|.,!?\u2026\u3002\uFF0C\u3001\u0964\u06D4\u060C)").negate())),
                "poro-chat", "bloom", "gpt3-finnish");
    }

    private final String name;
    private final List<SplitPattern> patterns;

    private PreTokenizer(String name, List<SplitPattern> patterns) {
        this.name = name;
        this.patterns = patterns;
    }

    /** The pre-tokenizer llama.cpp uses for this {@code tokenizer.ggml.pre}, or empty if Baton has none. */
    static Optional<PreTokenizer> named(String name) {
        List<SplitPattern> patterns = BY_NAME.get(name);
        return patterns == null ? Optional.empty() : Optional.of(new PreTokenizer(name, patterns));
    }

    static Set<String> supportedNames() {
        return new TreeSet<>(BY_NAME.keySet());
    }

    String name() {
        return name;
    }

    /** Word boundaries of {@code text}: the end offset of each word, in order; the last is {@code text.length}. */
    IntList split(Codepoints text) {
        IntList ends = new IntList(1);
        if (text.length > 0) {
            ends.add(text.length);
        }
        for (SplitPattern pattern : patterns) {
            IntList next = new IntList(ends.size() + (ends.size() >> 1) + 16);
            int start = 0;
            for (int i = 0; i < ends.size(); i++) {
                int end = ends.get(i);
                int pos = start;
                while (pos < end) {
                    long m = pattern.find(text, pos, end);
                    if (m == SplitPattern.NO_MATCH) {
                        break;
                    }
                    int matchStart = (int) (m >>> 32);
                    int matchEnd = (int) m;
                    if (matchStart > pos) {
                        next.add(matchStart);
                    }
                    next.add(matchEnd);
                    pos = matchEnd;
                }
                if (pos < end) {
                    next.add(end);
                }
                start = end;
            }
            ends = next;
        }
        return ends;
    }

    private static void register(List<SplitPattern> patterns, String... names) {
        for (String name : names) {
            BY_NAME.put(name, patterns);
        }
    }
}
