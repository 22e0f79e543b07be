package dev.baton.engine.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts text into plain-text fragments and whole special tokens before the model's tokenizer sees it, with llama.cpp's
 * rules: user-defined tokens are always matched; control and unknown tokens only when the caller asks to parse special
 * tokens; tokens are taken longest first over the whole text, each token's occurrences left to right in what is still
 * plain text; a token marked to strip whitespace removes the ASCII whitespace beside it.
 * <p>
 * llama.cpp searches the text once per special token, and a vocabulary may have thousands. Here one pass over the
 * text with a character trie finds which tokens occur at all (usually none); only those are then searched for, in
 * llama.cpp's order. Both steps are linear in the text for a given vocabulary.
 */
final class SpecialTokenSplitter {
    /**
     * The pieces of a text in order: plain text {@code [from(i), to(i))} where {@code token(i)} is
     * {@link Vocabulary#NONE}, else a special token. Whitespace a token strips is in no piece.
     */
    static final class Fragments {
        private final IntList bounds;
        private final IntList tokens;

        Fragments(int capacity) {
            bounds = new IntList(capacity * 2);
            tokens = new IntList(capacity);
        }

        static Fragments wholeText(String text) {
            Fragments f = new Fragments(1);
            f.add(0, text.length(), Vocabulary.NONE);
            return f;
        }

        void add(int from, int to, int token) {
            bounds.add(from);
            bounds.add(to);
            tokens.add(token);
        }

        int size() {
            return tokens.size();
        }

        int from(int i) {
            return bounds.get(2 * i);
        }

        int to(int i) {
            return bounds.get(2 * i + 1);
        }

        int token(int i) {
            return tokens.get(i);
        }

        boolean isText(int i) {
            return tokens.get(i) == Vocabulary.NONE;
        }
    }

    private final Matcher always;
    private final Matcher withSpecial;

    /**
     * @param candidates token ids that may be matched, in llama.cpp's order (longest UTF-8 text first)
     */
    SpecialTokenSplitter(String[] texts, TokenType[] types, int[] candidates, boolean[] lstrip, boolean[] rstrip) {
        int[] userDefined = Arrays.stream(candidates).filter(id -> !types[id].isSpecial()).toArray();
        this.always = new Matcher(texts, userDefined, lstrip, rstrip);
        this.withSpecial = new Matcher(texts, candidates, lstrip, rstrip);
    }

    Fragments split(String text, boolean parseSpecial) {
        if (text.isEmpty()) {
            return new Fragments(0);
        }
        return (parseSpecial ? withSpecial : always).split(text);
    }

    /** The tokens one mode matches, in priority order ("rank"), with a trie over their texts. */
    private static final class Matcher {
        private final String[] texts;
        private final int[] tokens;
        private final boolean[] lstrip;
        private final boolean[] rstrip;
        private final boolean[] startsToken = new boolean[Character.MAX_VALUE + 1];
        private final List<Node> nodes = new ArrayList<>();
        private final Node root;

        Matcher(String[] texts, int[] tokens, boolean[] lstrip, boolean[] rstrip) {
            this.texts = texts;
            this.tokens = tokens;
            this.lstrip = lstrip;
            this.rstrip = rstrip;
            this.root = newNode();
            for (int rank = 0; rank < tokens.length; rank++) {
                String t = texts[tokens[rank]];
                startsToken[t.charAt(0)] = true;
                Node node = root;
                node.tokensBelow++;
                for (int i = 0; i < t.length(); i++) {
                    node = node.children.computeIfAbsent(t.charAt(i), c -> newNode());
                    node.tokensBelow++;
                }
                node.rank = rank;
            }
        }

        private Node newNode() {
            Node n = new Node(nodes.size());
            nodes.add(n);
            return n;
        }

        Fragments split(String text) {
            boolean[] occurs = occurringRanks(text);
            Fragments fragments = Fragments.wholeText(text);
            if (occurs != null) {
                for (int rank = 0; rank < tokens.length; rank++) {
                    if (occurs[rank]) {
                        fragments = cutOut(text, tokens[rank], fragments);
                    }
                }
            }
            return fragments;
        }

        /**
         * Replaces each occurrence of {@code token} that lies in plain text by the token, left to right within each
         * piece of text as llama.cpp does. The searches move forward only, so this is linear in the text.
         */
        private Fragments cutOut(String text, int token, Fragments in) {
            String t = texts[token];
            Fragments out = new Fragments(in.size() + 16);
            int next = text.indexOf(t);
            for (int i = 0; i < in.size(); i++) {
                if (!in.isText(i)) {
                    out.add(in.from(i), in.to(i), in.token(i));
                    continue;
                }
                int start = in.from(i);
                int end = in.to(i);
                while (next >= 0) {
                    if (next < start) {
                        next = text.indexOf(t, start);
                        continue;
                    }
                    if (next + t.length() > end) {
                        break; // beyond this piece, or running past its end as every later start in it would
                    }
                    int leftEnd = next;
                    if (lstrip[token]) {
                        while (leftEnd > start && isAsciiSpace(text.charAt(leftEnd - 1))) {
                            leftEnd--;
                        }
                    }
                    if (leftEnd > start) {
                        out.add(start, leftEnd, Vocabulary.NONE);
                    }
                    out.add(next, next + t.length(), token);
                    start = next + t.length();
                    if (rstrip[token]) {
                        while (start < end && isAsciiSpace(text.charAt(start))) {
                            start++;
                        }
                    }
                    next = text.indexOf(t, start);
                }
                if (start < end) {
                    out.add(start, end, Vocabulary.NONE);
                }
            }
            return out;
        }

        /**
         * Which ranks occur in the text, or null if none does. A trie branch is not walked again once every token
         * below it has been seen, so long runs of a repeated character (mpt's whitespace tokens) stay linear.
         */
        private boolean[] occurringRanks(String text) {
            boolean[] occurs = null;
            int[] seenBelow = null;
            int[] path = null;
            for (int i = 0; i < text.length(); i++) {
                if (!startsToken[text.charAt(i)]) {
                    continue;
                }
                Node node = root;
                int depth = 0;
                for (int j = i; j < text.length(); j++) {
                    node = node.children.get(text.charAt(j));
                    if (node == null || (seenBelow != null && seenBelow[node.id] == node.tokensBelow)) {
                        break;
                    }
                    if (path == null) {
                        path = new int[16];
                    } else if (depth == path.length) {
                        path = Arrays.copyOf(path, depth * 2);
                    }
                    path[depth++] = node.id;
                    if (node.rank >= 0 && (occurs == null || !occurs[node.rank])) {
                        if (occurs == null) {
                            occurs = new boolean[tokens.length];
                            seenBelow = new int[nodes.size()];
                        }
                        occurs[node.rank] = true;
                        for (int k = 0; k < depth; k++) {
                            seenBelow[path[k]]++;
                        }
                    }
                }
            }
            return occurs;
        }

        /** C's isspace in the "C" locale, which llama.cpp's strip uses. */
        private static boolean isAsciiSpace(char c) {
            return c == ' ' || (c >= '\t' && c <= '\r');
        }
    }

    private static final class Node {
        final int id;
        final Map<Character, Node> children = new HashMap<>(4);
        int rank = -1;
        /** How many tokens end at or below this node. */
        int tokensBelow;

        Node(int id) {
            this.id = id;
        }
    }
}
