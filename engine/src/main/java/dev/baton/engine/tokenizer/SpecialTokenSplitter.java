package dev.baton.engine.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cuts text into plain-text fragments and whole special tokens before the model's tokenizer sees it, with llama.cpp's
 * rules: user-defined tokens are always matched; control and unknown tokens only when the caller asks to parse special
 * tokens; longer tokens are matched first over the whole text, each token's occurrences left to right; a token marked
 * to strip whitespace removes the ASCII whitespace beside it.
 * <p>
 * Rather than searching the text once per special token (Llama 3 has 256 of them), one pass over the text with a trie
 * collects every occurrence, and llama.cpp's token-by-token partitioning is then replayed over those occurrences.
 */
final class SpecialTokenSplitter {
    /** A fragment: text {@code [from, to)} of the input when {@code token} is {@link Vocabulary#NONE}, else a token. */
    record Fragment(int from, int to, int token) {
        boolean isText() {
            return token == Vocabulary.NONE;
        }
    }

    private final Matcher always;
    private final Matcher withSpecial;

    /**
     * @param candidates token ids that may be matched, already ordered as llama.cpp orders them (longest text first)
     */
    SpecialTokenSplitter(String[] texts, TokenType[] types, int[] candidates, boolean[] lstrip, boolean[] rstrip) {
        int[] userDefined = Arrays.stream(candidates).filter(id -> !types[id].isSpecial()).toArray();
        this.always = new Matcher(texts, userDefined, lstrip, rstrip);
        this.withSpecial = new Matcher(texts, candidates, lstrip, rstrip);
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        if (text.isEmpty()) {
            return List.of();
        }
        return (parseSpecial ? withSpecial : always).split(text);
    }

    /** The tokens one mode matches, in priority order, with a character trie over their texts. */
    private static final class Matcher {
        private final String[] texts;
        private final int[] tokens;
        private final boolean[] lstrip;
        private final boolean[] rstrip;
        private final boolean[] startsToken = new boolean[Character.MAX_VALUE + 1];
        private final Node root = new Node();

        Matcher(String[] texts, int[] tokens, boolean[] lstrip, boolean[] rstrip) {
            this.texts = texts;
            this.tokens = tokens;
            this.lstrip = lstrip;
            this.rstrip = rstrip;
            for (int rank = 0; rank < tokens.length; rank++) {
                String t = texts[tokens[rank]];
                startsToken[t.charAt(0)] = true;
                Node node = root;
                for (int i = 0; i < t.length(); i++) {
                    node = node.children.computeIfAbsent(t.charAt(i), c -> new Node());
                }
                node.rank = rank;
            }
        }

        List<Fragment> split(String text) {
            long[] occurrences = occurrences(text);
            if (occurrences.length == 0) {
                return List.of(new Fragment(0, text.length(), Vocabulary.NONE));
            }
            Arrays.sort(occurrences); // by rank (llama.cpp's token order), then position
            TreeMap<Integer, Fragment> fragments = new TreeMap<>();
            fragments.put(0, new Fragment(0, text.length(), Vocabulary.NONE));
            for (long occurrence : occurrences) {
                int token = tokens[(int) (occurrence >>> 32)];
                int pos = (int) occurrence;
                int end = pos + texts[token].length();
                Map.Entry<Integer, Fragment> host = fragments.floorEntry(pos);
                if (host == null || !host.getValue().isText() || end > host.getValue().to()) {
                    continue; // overlaps a token matched earlier or text stripped away
                }
                Fragment f = host.getValue();
                fragments.remove(f.from());
                int leftEnd = pos;
                if (lstrip[token]) {
                    while (leftEnd > f.from() && isAsciiSpace(text.charAt(leftEnd - 1))) {
                        leftEnd--;
                    }
                }
                if (leftEnd > f.from()) {
                    fragments.put(f.from(), new Fragment(f.from(), leftEnd, Vocabulary.NONE));
                }
                fragments.put(pos, new Fragment(pos, end, token));
                int rightStart = end;
                if (rstrip[token]) {
                    while (rightStart < f.to() && isAsciiSpace(text.charAt(rightStart))) {
                        rightStart++;
                    }
                }
                if (rightStart < f.to()) {
                    fragments.put(rightStart, new Fragment(rightStart, f.to(), Vocabulary.NONE));
                }
            }
            return new ArrayList<>(fragments.values());
        }

        /** Every (rank, position) where a token's text occurs, overlapping ones included, packed in longs. */
        private long[] occurrences(String text) {
            long[] found = new long[8];
            int n = 0;
            for (int i = 0; i < text.length(); i++) {
                if (!startsToken[text.charAt(i)]) {
                    continue;
                }
                Node node = root;
                for (int j = i; j < text.length(); j++) {
                    node = node.children.get(text.charAt(j));
                    if (node == null) {
                        break;
                    }
                    if (node.rank >= 0) {
                        if (n == found.length) {
                            found = Arrays.copyOf(found, n * 2);
                        }
                        found[n++] = ((long) node.rank << 32) | i;
                    }
                }
            }
            return Arrays.copyOf(found, n);
        }

        /** C's isspace in the "C" locale, which llama.cpp's strip uses. */
        private static boolean isAsciiSpace(char c) {
            return c == ' ' || (c >= '\t' && c <= '\r');
        }
    }

    private static final class Node {
        final Map<Character, Node> children = new HashMap<>(4);
        int rank = -1;
    }
}
