package dev.baton.bench.tokenizer;

import dev.baton.engine.gguf.GgufFile;
import dev.baton.engine.tokenizer.Tokenizer;
import dev.baton.engine.tokenizer.chat.ChatMessage;
import dev.baton.engine.tokenizer.chat.ChatPrompt;
import dev.baton.engine.tokenizer.chat.ChatTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a chat template adds to a chat request: rendering a 16-turn conversation (about 8 KB of text) alone, and
 * rendering plus tokenizing it as ApplyChatTemplate does, on the Phi-3 vocabulary. The template is Phi-3's own (from
 * its GGUF file) or Llama 3's, which sets a variable and applies a filter per turn.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ChatTemplateBenchmark {
    private static final String LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content']"
            + " | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
            + "{{ content }}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";
    private static final int TURNS = 16;
    private static final int TURN_BYTES = 500;

    @Param({"phi-3", "llama-3"})
    public String template;

    private Tokenizer tokenizer;
    private ChatTemplate chatTemplate;
    private List<ChatMessage> conversation;

    @Setup
    public void load() {
        tokenizer = LlamaCppVocabularies.load("phi-3");
        String source = template.equals("llama-3") ? LLAMA3 : phi3Template();
        chatTemplate = ChatPrompt.templateFor(source, tokenizer.vocabulary());
        conversation = new ArrayList<>();
        List<String> turns = EnglishLikeText.documents(7, TURNS * TURN_BYTES, TURN_BYTES);
        for (int i = 0; i < turns.size(); i++) {
            conversation.add(new ChatMessage(i % 2 == 0 ? "user" : "assistant", turns.get(i)));
        }
    }

    private static String phi3Template() {
        try (GgufFile file = GgufFile.open(LlamaCppVocabularies.file("phi-3"))) {
            return file.metadata().getString("tokenizer.chat_template");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public String render() {
        return chatTemplate.render(conversation, true);
    }

    @Benchmark
    public ChatPrompt renderAndTokenize() {
        return ChatPrompt.render(chatTemplate, tokenizer, conversation, true);
    }
}
