package dev.baton.engine.tokenizer.chat;

import dev.baton.engine.tokenizer.Tokenizer;
import dev.baton.engine.tokenizer.Vocabulary;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A conversation rendered with a model's chat template and tokenized the way llama.cpp's server does it: control
 * tokens the template writes ({@code <|im_start|>}, {@code <s>}) become their ids, and a BOS is put first when the
 * vocabulary adds one by default and the template did not write it, never twice. The plain fallback writes no control
 * tokens, so its text is tokenized as plain text (plus BOS as the vocabulary says).
 * <p>
 * As in llama.cpp and Hugging Face, control-token text inside a message's content is also recognized, since the
 * whole rendered prompt is tokenized at once.
 */
public record ChatPrompt(String text, int[] ids, boolean usedFallback) {
    public static ChatPrompt render(ChatTemplate template, Tokenizer tokenizer, List<ChatMessage> messages,
                                    boolean addGenerationPrompt) {
        return render(template, tokenizer, messages, addGenerationPrompt, Map.of());
    }

    /** As {@link #render(ChatTemplate, Tokenizer, List, boolean)}, with extra template variables. */
    public static ChatPrompt render(ChatTemplate template, Tokenizer tokenizer, List<ChatMessage> messages,
                                    boolean addGenerationPrompt, Map<String, ?> variables) {
        String text = template.render(messages, addGenerationPrompt, variables);
        if (template.isFallback()) {
            return new ChatPrompt(text, tokenizer.encode(text, true, false), true);
        }
        int[] ids = tokenizer.encode(text, false, true);
        Vocabulary vocabulary = tokenizer.vocabulary();
        int bos = vocabulary.bos();
        if (vocabulary.addsBos() && bos != Vocabulary.NONE && (ids.length == 0 || ids[0] != bos)) {
            int[] withBos = new int[ids.length + 1];
            withBos[0] = bos;
            System.arraycopy(ids, 0, withBos, 1, ids.length);
            ids = withBos;
        }
        return new ChatPrompt(text, ids, false);
    }

    /** The template for a vocabulary: its own when {@code source} is non-null, else the plain fallback. */
    public static ChatTemplate templateFor(String source, Vocabulary vocabulary) {
        if (source == null || source.isBlank()) {
            return ChatTemplate.plainFallback();
        }
        return ChatTemplate.parse(source, tokenText(vocabulary, vocabulary.bos()), tokenText(vocabulary, vocabulary.eos()));
    }

    private static String tokenText(Vocabulary vocabulary, int id) {
        return id == Vocabulary.NONE ? "" : vocabulary.tokenText(id);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChatPrompt p && p.text.equals(text) && Arrays.equals(p.ids, ids)
                && p.usedFallback == usedFallback;
    }

    @Override
    public int hashCode() {
        return text.hashCode() * 31 + Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return "ChatPrompt[text=" + text + ", ids=" + Arrays.toString(ids) + ", usedFallback=" + usedFallback + "]";
    }
}
