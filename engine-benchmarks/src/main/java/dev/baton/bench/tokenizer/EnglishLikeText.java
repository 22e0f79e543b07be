package dev.baton.bench.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Reproducible English-like prose for tokenizer benchmarks, so that no corpus has to be shipped or downloaded. Half the
 * words are common English function words, half come from a pool of 20,000 invented words built from English
 * syllables; both are drawn with Zipf's law, so a word cache sees a realistic long tail. Sentences have capitals,
 * commas, numbers and end punctuation; paragraphs are separated by blank lines. Invented words split into more tokens
 * than real ones, so throughput on real English is, if anything, higher. ASCII only: one char is one UTF-8 byte.
 */
final class EnglishLikeText {
    private static final String[] FUNCTION_WORDS = ("the of and to a in is that it was for on are as with he they be at"
            + " one have this from or had by not but what some we can out other were all there when up use your how said"
            + " an each she which do their time if will way about many then them would write like so these her long make"
            + " thing see him two has look more day could go come did number sound no most people my over know water than"
            + " call first who may down side been now find any new work part take get place made live where after back"
            + " little only round man year came show every good me give our under name very through just form great think"
            + " say help low line before turn cause same mean differ move right boy old too does tell sentence set three"
            + " want air well also play small end put home read hand large spell add even land here must big high such").split(" ");
    private static final String[] ONSETS = {"", "b", "br", "c", "ch", "cl", "d", "f", "fl", "g", "gr", "h", "j", "l",
            "m", "n", "p", "pl", "pr", "r", "s", "sh", "st", "t", "th", "tr", "v", "w"};
    private static final String[] VOWELS = {"a", "e", "i", "o", "u", "ea", "ou", "ai", "ee", "y"};
    private static final String[] CODAS = {"", "", "n", "r", "s", "t", "nd", "st", "ng", "ll", "ck", "m"};
    private static final String[] SUFFIXES = {"", "", "", "", "s", "ed", "ing", "ly", "er", "tion", "ness"};
    private static final int INVENTED_WORDS = 20_000;

    private final SplittableRandom random;
    private final String[] invented;
    private final double[] functionCdf;
    private final double[] inventedCdf;

    private EnglishLikeText(long seed) {
        random = new SplittableRandom(seed);
        invented = new String[INVENTED_WORDS];
        for (int i = 0; i < invented.length; i++) {
            invented[i] = inventWord();
        }
        functionCdf = zipfCdf(FUNCTION_WORDS.length);
        inventedCdf = zipfCdf(INVENTED_WORDS);
    }

    /**
     * Documents (runs of paragraphs of about {@code documentBytes} each) whose lengths add up to exactly
     * {@code totalBytes}; the same seed always gives the same text.
     */
    static List<String> documents(long seed, int totalBytes, int documentBytes) {
        EnglishLikeText text = new EnglishLikeText(seed);
        List<String> documents = new ArrayList<>();
        int remaining = totalBytes;
        while (remaining > 0) {
            String document = text.document(Math.min(documentBytes, remaining));
            documents.add(document);
            remaining -= document.length();
        }
        return documents;
    }

    /** Paragraphs until {@code bytes} is reached, cut to exactly that length. */
    private String document(int bytes) {
        StringBuilder out = new StringBuilder(bytes + 1024);
        while (out.length() < bytes) {
            if (!out.isEmpty()) {
                out.append("\n\n");
            }
            paragraph(out);
        }
        out.setLength(bytes);
        return out.toString();
    }

    private void paragraph(StringBuilder out) {
        int sentences = 3 + random.nextInt(6);
        for (int s = 0; s < sentences; s++) {
            if (s > 0) {
                out.append(' ');
            }
            sentence(out);
        }
    }

    private void sentence(StringBuilder out) {
        int words = 6 + random.nextInt(20);
        for (int w = 0; w < words; w++) {
            if (w > 0) {
                out.append(random.nextInt(12) == 0 ? ", " : " ");
            }
            String word = nextWord();
            if (w == 0) {
                out.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
            } else {
                out.append(word);
            }
        }
        int end = random.nextInt(20);
        out.append(end == 0 ? '?' : end == 1 ? '!' : '.');
    }

    private String nextWord() {
        int kind = random.nextInt(100);
        if (kind == 0) {
            return Integer.toString(random.nextInt(10_000));
        }
        return kind <= 50 ? FUNCTION_WORDS[draw(functionCdf)] : invented[draw(inventedCdf)];
    }

    private String inventWord() {
        StringBuilder word = new StringBuilder();
        int syllables = 1 + random.nextInt(3);
        for (int i = 0; i < syllables; i++) {
            word.append(pick(ONSETS)).append(pick(VOWELS)).append(pick(CODAS));
        }
        return word.append(pick(SUFFIXES)).toString();
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private int draw(double[] cdf) {
        int i = Arrays.binarySearch(cdf, random.nextDouble());
        return Math.min(i < 0 ? -i - 1 : i, cdf.length - 1);
    }

    /** Cumulative probabilities of ranks 1..n under Zipf's law with exponent 1. */
    private static double[] zipfCdf(int n) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int rank = 1; rank <= n; rank++) {
            sum += 1.0 / rank;
            cdf[rank - 1] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
        return cdf;
    }
}
