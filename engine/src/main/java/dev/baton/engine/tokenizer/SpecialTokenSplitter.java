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
 * tokens; tokens are taken longest first over the whole text, each token's occurrences left to right in what is still
 * plain text; a token marked to strip whitespace removes the ASCII whitespace beside it.
 * <p>
 * llama.cpp searches the text once per special token, and a vocabulary may have thousands. Here one pass over the
 * text with a character trie finds which tokens occur at all (usually none); only those are then searched for, in
 * llama.cpp's order. Both steps are linear in the text for a given vocabulary.
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
     * @param candidates token ids that may be matched, in llama.cpp's order (longest UTF-8 text first)
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

        List<Fragment> split(String text) {
            boolean[] occurs = occurringRanks(text);
            if (occurs == null) {
                return List.of(new Fragment(0, text.length(), Vocabulary.NONE));
            }
            TreeMap<Integer, Fragment> fragments = new TreeMap<>();
            fragments.put(0, new Fragment(0, text.length(), Vocabulary.NONE));
            for (int rank = 0; rank < tokens.length; rank++) {
                if (occurs[rank]) {
                    cutOut(text, tokens[rank], fragments);
                }
            }
            return new ArrayList<>(fragments.values());
        }

        /** Replaces each occurrence of {@code token} that lies in plain text, left to right, by the token. */
        private void cutOut(String text, int token, TreeMap<Integer, Fragment> fragments) {
            String t = texts[token];
            int pos = text.indexOf(t);
            while (pos >= 0) {
                Map.Entry<Integer, Fragment> host = fragments.floorEntry(pos);
                if (host == null || pos >= host.getValue().to()) {
                    // in whitespace a strip removed: go on from the next fragment
                    Integer next = fragments.higherKey(pos);
                    pos = next == null ? -1 : text.indexOf(t, next);
                    continue;
                }
                Fragment f = host.getValue();
                if (!f.isText() || pos + t.length() > f.to()) {
                    // inside a token, or running past this text (as would every later start in it)
                    pos = text.indexOf(t, f.to());
                    continue;
                }
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
                int end = pos + t.length();
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
                pos = text.indexOf(t, rightStart);
            }
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
