package dev.baton.engine.tokenizer.chat;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a conversation into the prompt text a model was trained on, by running the model's
 * {@code tokenizer.chat_template} (Jinja, as in Hugging Face's {@code apply_chat_template}) or, for a model without
 * one, the {@linkplain #plainFallback() plain fallback}.
 * <p>
 * The template sees what Hugging Face passes: {@code messages} (dicts with {@code role} and {@code content}),
 * {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}, and the functions {@code raise_exception} and
 * {@code strftime_now}; {@code tools} is undefined. It renders with {@code trim_blocks} and {@code lstrip_blocks}.
 * Instances are immutable and thread-safe.
 */
public final class ChatTemplate {
    /** The variables {@link #render} sets, which callers cannot override. */
    public static final Set<String> RESERVED_VARIABLES = Set.of("messages", "add_generation_prompt", "bos_token",
            "eos_token", "raise_exception", "strftime_now", "range", "namespace", "dict");

    /** Null for the plain fallback. */
    private final List<Node> program;
    private final String bosToken;
    private final String eosToken;
    private final Clock clock;

    private ChatTemplate(List<Node> program, String bosToken, String eosToken, Clock clock) {
        this.program = program;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.clock = clock;
    }

    /**
     * Parses a Jinja chat template.
     *
     * @param bosToken the text of the vocabulary's BOS token ("" if it has none), as templates write it
     * @param eosToken likewise for EOS
     * @throws TemplateSyntaxException if the template is not valid Jinja or uses a tag this interpreter lacks
     */
    public static ChatTemplate parse(String source, String bosToken, String eosToken) {
        Objects.requireNonNull(source, "source");
        return new ChatTemplate(List.copyOf(TemplateParser.parse(source)), Objects.requireNonNull(bosToken, "bosToken"),
                Objects.requireNonNull(eosToken, "eosToken"), Clock.systemUTC());
    }

    /**
     * The format for models without a chat template (such as the TinyStories models): each message on its own line
     * as {@code role: content}, then {@code assistant:} when a generation prompt is asked for. It writes no special
     * tokens.
     */
    public static ChatTemplate plainFallback() {
        return new ChatTemplate(null, "", "", Clock.systemUTC());
    }

    /** This template with {@code strftime_now} reading {@code clock} (templates that print today's date). */
    public ChatTemplate withClock(Clock clock) {
        return new ChatTemplate(program, bosToken, eosToken, Objects.requireNonNull(clock, "clock"));
    }

    public boolean isFallback() {
        return program == null;
    }

    /**
     * Renders the conversation.
     *
     * @param addGenerationPrompt end with the opening of an assistant turn, so the model answers as the assistant
     * @throws IllegalArgumentException if there are no messages
     * @throws TemplateRenderException if the template refuses the conversation ({@code raise_exception}, e.g. roles
     *                                 that do not alternate) or fails while running
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    /**
     * Renders the conversation with extra template variables, like the {@code chat_template_kwargs} of vLLM and
     * llama.cpp: {@code enable_thinking = false} for Qwen3, {@code tools} for templates that describe tools.
     *
     * @param variables names to values as JSON parsing gives them (String, Boolean, Number, List, Map, null); the
     *                  variables this class sets itself ({@link #RESERVED_VARIABLES}) are refused
     * @throws IllegalArgumentException for a reserved name or a value of another type
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, ?> variables) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one message");
        }
        Map<String, Object> context = new HashMap<>();
        variables.forEach((name, value) -> {
            if (RESERVED_VARIABLES.contains(name)) {
                throw new IllegalArgumentException("the template variable '" + name + "' is set by Baton itself");
            }
            context.put(name, TemplateData.of(value, name));
        });
        if (program == null) {
            return plain(messages, addGenerationPrompt);
        }
        List<Object> turns = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> turn = new LinkedHashMap<>();
            turn.put("role", m.role());
            turn.put("content", m.content());
            turns.add(turn);
        }
        context.put("messages", turns);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        context.put("strftime_now", (TemplateCallable) (args, named) ->
                strftime(JinjaValues.str(PythonMethods.argument(args, named, 0, "format", "")),
                        ZonedDateTime.now(clock)));
        try {
            return TemplateRenderer.render(program, context);
        } catch (TemplateRenderException e) {
            throw e;
        } catch (RuntimeException e) {
            // e.g. divisibleby 0: whatever a template does wrong stays the template's error, with a message
            throw TemplateRenderException.invalid(e.toString());
        }
    }

    private static String plain(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder out = new StringBuilder();
        for (ChatMessage m : messages) {
            out.append(m.role()).append(": ").append(m.content()).append('\n');
        }
        if (addGenerationPrompt) {
            out.append("assistant:");
        }
        return out.toString();
    }

    /** Python's {@code strftime} for the directives date-printing templates use. */
    static String strftime(String format, ZonedDateTime t) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char d = format.charAt(++i);
            switch (d) {
                case 'd' -> out.append(String.format("%02d", t.getDayOfMonth()));
                case 'm' -> out.append(String.format("%02d", t.getMonthValue()));
                case 'Y' -> out.append(t.getYear());
                case 'y' -> out.append(String.format("%02d", t.getYear() % 100));
                case 'H' -> out.append(String.format("%02d", t.getHour()));
                case 'M' -> out.append(String.format("%02d", t.getMinute()));
                case 'S' -> out.append(String.format("%02d", t.getSecond()));
                case 'b' -> out.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> out.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'j' -> out.append(String.format("%03d", t.getDayOfYear()));
                case '%' -> out.append('%');
                default -> out.append('%').append(d);
            }
        }
        return out.toString();
    }
}
