package dev.baton.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test of the hand-written pre-tokenizer scanners against the regexes llama.cpp runs, evaluated by
 * {@code java.util.regex} (same leftmost-first backtracking semantics as C++'s ECMAScript regex for these patterns)
 * on thousands of random strings built from characters that stress every alternative: letters and digits of several
 * scripts, every kind of whitespace, apostrophes and contractions, punctuation and symbols, marks, emoji.
 * <p>
 * As llama.cpp does before its regex fallback, non-ASCII whitespace is read as U+000B, and each pattern splits every
 * piece left by the previous one on its own ({@code $} and lookaheads see the piece's end).
 */
class PreTokenizerMatchesRegexTest {
    private static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    private static final String LLAMA3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2 = LLAMA3.replace("\\p{N}{1,3}", "\\p{N}");
    private static final String CJK = "[\\x{4E00}-\\x{9FA5}\\x{0800}-\\x{4E00}\\x{AC00}-\\x{D7FF}]+";
    private static final String DEEPSEEK_LETTERS = "[A-Za-z\\x{B5}\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{1BA}"
            + "\\x{1BC}-\\x{1BF}\\x{1C4}-\\x{293}\\x{295}-\\x{2AF}\\x{370}-\\x{373}\\x{376}\\x{377}\\x{37B}-\\x{37D}"
            + "\\x{37F}\\x{386}\\x{388}-\\x{38A}\\x{38C}\\x{38E}-\\x{3A1}\\x{3A3}-\\x{3F5}\\x{3F7}-\\x{481}"
            + "\\x{48A}-\\x{52F}\\x{531}-\\x{556}\\x{10A0}-\\x{10C5}\\x{13A0}-\\x{13F5}\\x{13F8}-\\x{13FD}"
            + "\\x{1C90}-\\x{1CBA}\\x{1CBD}-\\x{1CBF}\\x{1D00}-\\x{1D2B}\\x{1D6B}-\\x{1D77}\\x{1D79}-\\x{1D9A}"
            + "\\x{1E00}-\\x{1F15}\\x{1F18}-\\x{1F1D}\\x{1F20}-\\x{1F45}\\x{1F48}-\\x{1F4D}\\x{1F50}-\\x{1F57}"
            + "\\x{1F59}\\x{1F5B}\\x{1F5D}\\x{1F5F}-\\x{1F7D}\\x{1F80}-\\x{1FB4}\\x{1FB6}-\\x{1FBC}\\x{1FBE}"
            + "\\x{1FC2}-\\x{1FC4}\\x{1FC6}-\\x{1FCC}\\x{1FD0}-\\x{1FD3}\\x{1FD6}-\\x{1FDB}\\x{1FE0}-\\x{1FEC}"
            + "\\x{1FF2}-\\x{1FF4}\\x{1FF6}-\\x{1FFC}\\x{2102}\\x{2107}\\x{210A}-\\x{2113}\\x{2115}"
            + "\\x{2119}-\\x{211D}\\x{2124}\\x{2126}\\x{2128}\\x{212A}-\\x{212D}\\x{212F}-\\x{2134}\\x{2139}"
            + "\\x{213C}-\\x{213F}\\x{2145}-\\x{2149}\\x{214E}\\x{2183}\\x{2184}\\x{2C00}-\\x{2C7B}"
            + "\\x{2C7E}-\\x{2CE4}\\x{2CEB}-\\x{2CEE}\\x{2CF2}\\x{2CF3}\\x{A640}-\\x{A66D}\\x{A680}-\\x{A69B}"
            + "\\x{A722}-\\x{A76F}\\x{A771}-\\x{A787}\\x{A78B}-\\x{A78E}\\x{AB70}-\\x{ABBF}\\x{FB00}-\\x{FB06}"
            + "\\x{FB13}-\\x{FB17}\\x{FF21}-\\x{FF3A}\\x{FF41}-\\x{FF5A}\\x{10400}-\\x{1044F}\\x{104B0}-\\x{104D3}"
            + "\\x{104D8}-\\x{104FB}\\x{10C80}-\\x{10CB2}\\x{10CC0}-\\x{10CF2}\\x{118A0}-\\x{118DF}"
            + "\\x{1E900}-\\x{1E943}]+";

    /** llama.cpp's regex lists, one representative name per family. */
    private static final Map<String, List<String>> REGEXES = Map.of(
            "gpt-2", List.of(GPT2),
            "llama-bpe", List.of(LLAMA3),
            "qwen2", List.of(QWEN2),
            "default", List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]"),
            "falcon", List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]"),
            "starcoder", List.of("\\p{N}", GPT2),
            "deepseek-coder", List.of("[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", CJK, "\\p{N}"),
            "deepseek-llm", List.of("[\r\n]", "\\s?" + DEEPSEEK_LETTERS,
                    "\\s?[!-/:-~\\x{FF01}-\\x{FF0F}\\x{FF1A}-\\x{FF5E}\\x{2018}-\\x{201F}\\x{3000}-\\x{3002}]+",
                    "\\s+\\z", CJK, "\\p{N}+"),
            "bloom", List.of(" ?[^(\\s|.,!?\\x{2026}\\x{3002}\\x{FF0C}\\x{3001}\\x{0964}\\x{06D4}\\x{060C})]+"));

    private static final String[] PARTS = {
        "a", "Z", "hello", "World", "é", "ß", "Ω", "жук", "中文", "가", "ΐ", "\u212A", "𝔘", "0", "7", "1234567",
        "½", "²", "٣", " ", " ", "  ", "\t", "\n", "\r\n", "\n\n", "\u000B", "\f", "\u00A0", "\u3000", "\u2003",
        "\u0085", "\u001C", "'", "'s", "'LL", "'Re", "'x", ".", ",", "!", "?", "...", "$", "+", "<", "=", "^", "~",
        "|", "`", "(", ")", "…", "。", "，", "、", "\u0301", "😀", "\u200D", "-", "_", "’", "#", "@", "\u0964"
    };

    static List<String> families() {
        return List.copyOf(REGEXES.keySet());
    }

    @ParameterizedTest
    @MethodSource("families")
    void scannerSplitsLikeTheRegexes(String family) {
        List<Pattern> patterns = REGEXES.get(family).stream().map(Pattern::compile).toList();
        PreTokenizer scanner = PreTokenizer.named(family).orElseThrow();
        Random random = new Random(family.hashCode());
        for (int i = 0; i < 1500; i++) {
            StringBuilder sb = new StringBuilder();
            int parts = random.nextInt(24);
            for (int p = 0; p < parts; p++) {
                sb.append(PARTS[random.nextInt(PARTS.length)]);
            }
            String text = sb.toString();
            assertEquals(regexSplit(text, patterns), scannerSplit(text, scanner),
                    () -> family + " on \"" + escape(text) + "\"");
        }
    }

    static List<String> scannerSplit(String text, PreTokenizer scanner) {
        Codepoints cps = Codepoints.of(text, 0, text.length());
        IntList ends = scanner.split(cps);
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < ends.size(); i++) {
            words.add(new String(cps.cp, start, ends.get(i) - start));
            start = ends.get(i);
        }
        return words;
    }

    static List<String> regexSplit(String text, List<Pattern> patterns) {
        StringBuilder mapped = new StringBuilder(text.length());
        text.codePoints().forEach(c -> mapped.appendCodePoint(
                c > 0x7F && CodepointClass.isWhitespace(c) ? 0x0B : c));
        List<int[]> pieces = new ArrayList<>();
        if (!text.isEmpty()) {
            pieces.add(new int[] {0, text.length()});
        }
        for (Pattern pattern : patterns) {
            List<int[]> next = new ArrayList<>();
            Matcher m = pattern.matcher(mapped);
            m.useTransparentBounds(false).useAnchoringBounds(true);
            for (int[] piece : pieces) {
                m.region(piece[0], piece[1]);
                int pos = piece[0];
                while (m.find()) {
                    if (m.start() > pos) {
                        next.add(new int[] {pos, m.start()});
                    }
                    next.add(new int[] {m.start(), m.end()});
                    pos = m.end();
                }
                if (pos < piece[1]) {
                    next.add(new int[] {pos, piece[1]});
                }
            }
            pieces = next;
        }
        return pieces.stream().map(p -> text.substring(p[0], p[1])).toList();
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> sb.append(c < 0x20 || c > 0x7E ? String.format("\\u{%X}", c) : (char) c));
        return sb.toString();
    }
}
