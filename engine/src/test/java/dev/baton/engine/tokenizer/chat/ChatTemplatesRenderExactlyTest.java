package dev.baton.engine.tokenizer.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real chat templates of popular model families (as their tokenizer_config.json / GGUF files carry them, kept in
 * src/test/resources/chat-templates) rendered against expected prompts written out by hand from each template.
 */
class ChatTemplatesRenderExactlyTest {
    private static final ChatMessage SYSTEM = new ChatMessage("system", "You are a helpful assistant.");
    private static final ChatMessage HELLO = new ChatMessage("user", "Hello!");
    /** Surrounding spaces show which templates strip content and which keep it. */
    private static final ChatMessage HI = new ChatMessage("assistant", " Hi there. ");
    private static final ChatMessage QUESTION = new ChatMessage("user", "What is 2+2?");
    private static final List<ChatMessage> WITH_SYSTEM = List.of(SYSTEM, HELLO, HI, QUESTION);
    private static final List<ChatMessage> WITHOUT_SYSTEM = List.of(HELLO, HI, QUESTION);

    @Test
    void llama2PutsTheSystemPromptInsideTheFirstInstruction() {
        ChatTemplate t = template("llama2.jinja", "<s>", "</s>");
        assertEquals("<s>[INST] <<SYS>>\nYou are a helpful assistant.\n<</SYS>>\n\nHello! [/INST] Hi there. </s>"
                + "<s>[INST] What is 2+2? [/INST]", t.render(WITH_SYSTEM, true));
        assertEquals("<s>[INST] Hello! [/INST] Hi there. </s><s>[INST] What is 2+2? [/INST]",
                t.render(WITHOUT_SYSTEM, false));
    }

    @Test
    void llama3WrapsTrimmedTurnsInHeaders() {
        ChatTemplate t = template("llama3.jinja", "<|begin_of_text|>", "<|end_of_text|>");
        String turns = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant."
                + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHi there.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>";
        assertEquals(turns + "<|start_header_id|>assistant<|end_header_id|>\n\n", t.render(WITH_SYSTEM, true));
        assertEquals(turns, t.render(WITH_SYSTEM, false));
    }

    @Test
    void llama32AddsTheDateAndAnEmptySystemTurnWhenThereIsNone() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-30T05:00:00Z"), ZoneOffset.UTC);
        ChatTemplate t = template("llama3.2-instruct.jinja", "<|begin_of_text|>", "<|eot_id|>").withClock(clock);
        String header = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: 30 Nov 2026\n\n";
        String turns = "<|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHi there.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n";
        assertEquals(header + "You are a helpful assistant.<|eot_id|>" + turns, t.render(WITH_SYSTEM, true));
        assertEquals(header + "<|eot_id|>" + turns, t.render(WITHOUT_SYSTEM, true));
    }

    @Test
    void chatMlOfQwen2AddsADefaultSystemTurn() {
        ChatTemplate t = template("qwen2-chatml.jinja", "", "<|im_end|>");
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n"
                + "<|im_start|>assistant\n Hi there. <|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n", t.render(WITH_SYSTEM, true));
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n",
                t.render(List.of(HELLO), false));
    }

    @Test
    void chatMlOfSmolLm2UsesItsOwnDefaultSystemTurn() {
        ChatTemplate t = template("smollm2-chatml.jinja", "<|im_start|>", "<|im_end|>");
        assertEquals("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face"
                + "<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n",
                t.render(List.of(HELLO), true));
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n",
                t.render(List.of(new ChatMessage("system", "Be brief."), HELLO), false));
    }

    @Test
    void qwen3KeepsOnlyTheLastTurnsThinkingAndGroupsToolResults() {
        ChatTemplate t = template("qwen3.jinja", "", "<|im_end|>");
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n"
                + "<|im_start|>assistant\n Hi there. <|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n", t.render(WITH_SYSTEM, true));
        assertEquals("<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n<think>\nhmm\n</think>\n\nFour.<|im_end|>\n",
                t.render(List.of(HELLO, new ChatMessage("assistant", "<think>\nhmm\n</think>\n\nFour.")), false));
        List<ChatMessage> withTools = List.of(new ChatMessage("user", "Weather?"),
                new ChatMessage("assistant", "Checking."), new ChatMessage("tool", "sunny"),
                new ChatMessage("tool", "20C"));
        assertEquals("<|im_start|>user\nWeather?<|im_end|>\n<|im_start|>assistant\nChecking.<|im_end|>\n"
                + "<|im_start|>user\n<tool_response>\nsunny\n</tool_response>\n<tool_response>\n20C\n</tool_response>"
                + "<|im_end|>\n<|im_start|>assistant\n", t.render(withTools, true));
    }

    @Test
    void qwen3TakesTemplateVariablesForThinkingAndTools() {
        ChatTemplate t = template("qwen3.jinja", "", "<|im_end|>");
        assertEquals("<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n",
                t.render(List.of(HELLO), true, Map.of("enable_thinking", false)));
        Map<String, Object> tool = new java.util.LinkedHashMap<>(); // JSON object order is kept, as in Python
        tool.put("type", "function");
        tool.put("function", Map.of("name", "get_weather"));
        assertEquals("<|im_start|>system\n# Tools\n\nYou may call one or more functions to assist with the user query."
                + "\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
                + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}\n</tools>\n\n"
                + "For each function call, return a json object with function name and arguments within "
                + "<tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": "
                + "<args-json-object>}\n</tool_call><|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n"
                + "<|im_start|>assistant\n",
                t.render(List.of(HELLO), true, Map.of("tools", List.of(tool))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.render(List.of(HELLO), true, Map.of("bos_token", "<evil>")));
        assertTrue(e.getMessage().contains("'bos_token'"), e.getMessage());
    }

    @Test
    void mistralV02AlternatesInstructionsAndRefusesASystemTurn() {
        ChatTemplate t = template("mistral-instruct-v0.2.jinja", "<s>", "</s>");
        assertEquals("<s>[INST] Hello! [/INST] Hi there. </s>[INST] What is 2+2? [/INST]",
                t.render(WITHOUT_SYSTEM, true));
        TemplateRenderException e = assertThrows(TemplateRenderException.class, () -> t.render(WITH_SYSTEM, true));
        assertTrue(e.raisedByTemplate());
        assertEquals("Conversation roles must alternate user/assistant/user/assistant/...", e.getMessage());
    }

    @Test
    void mistralNemoPutsTheSystemPromptIntoTheLastInstruction() {
        ChatTemplate t = template("mistral-nemo-instruct-2407.jinja", "<s>", "</s>");
        assertEquals("<s>[INST]Hello![/INST] Hi there. </s>[INST]You are a helpful assistant.\n\nWhat is 2+2?[/INST]",
                t.render(WITH_SYSTEM, true));
        TemplateRenderException e = assertThrows(TemplateRenderException.class,
                () -> t.render(List.of(HELLO, QUESTION), true));
        assertTrue(e.getMessage().startsWith("After the optional system message, conversation roles must alternate"));
    }

    @Test
    void phi3MiniFromItsGgufDropsTheSystemTurn() {
        ChatTemplate t = template("phi3-mini.jinja", "<s>", "<|endoftext|>");
        assertEquals("<s><|user|>\nHello!<|end|>\n<|assistant|>\n Hi there. <|end|>\n<|user|>\nWhat is 2+2?<|end|>\n"
                + "<|assistant|>\n", t.render(WITH_SYSTEM, true));
    }

    @Test
    void phi35MiniKeepsTheSystemTurnAndEndsWithEosWithoutAGenerationPrompt() {
        ChatTemplate t = template("phi3.5-mini.jinja", "<s>", "<|endoftext|>");
        String turns = "<|system|>\nYou are a helpful assistant.<|end|>\n<|user|>\nHello!<|end|>\n"
                + "<|assistant|>\n Hi there. <|end|>\n<|user|>\nWhat is 2+2?<|end|>\n";
        assertEquals(turns + "<|assistant|>\n", t.render(WITH_SYSTEM, true));
        assertEquals(turns + "<|endoftext|>", t.render(WITH_SYSTEM, false));
        assertEquals("<|user|>\nHello!<|end|>\n<|assistant|>\n",
                t.render(List.of(new ChatMessage("system", ""), HELLO), true), "an empty system turn is skipped");
    }

    @Test
    void zephyrRendersOneLinePerTurnThanksToTrimBlocks() {
        ChatTemplate t = template("zephyr.jinja", "<s>", "</s>");
        String turns = "<|system|>\nYou are a helpful assistant.</s>\n<|user|>\nHello!</s>\n<|assistant|>\n Hi there. </s>\n"
                + "<|user|>\nWhat is 2+2?</s>\n";
        assertEquals(turns + "<|assistant|>\n", t.render(WITH_SYSTEM, true));
        assertEquals(turns, t.render(WITH_SYSTEM, false));
    }

    @Test
    void gemmaCallsTheAssistantModelAndRefusesASystemTurn() {
        ChatTemplate t = template("gemma-it.jinja", "<bos>", "<eos>");
        assertEquals("<bos><start_of_turn>user\nHello!<end_of_turn>\n<start_of_turn>model\nHi there.<end_of_turn>\n"
                + "<start_of_turn>user\nWhat is 2+2?<end_of_turn>\n<start_of_turn>model\n",
                t.render(WITHOUT_SYSTEM, true));
        TemplateRenderException e = assertThrows(TemplateRenderException.class, () -> t.render(WITH_SYSTEM, true));
        assertEquals("System role not supported", e.getMessage());
        assertTrue(e.raisedByTemplate());
    }

    @Test
    void aModelWithoutATemplateGetsThePlainFallback() {
        ChatTemplate t = ChatTemplate.plainFallback();
        assertTrue(t.isFallback());
        assertEquals("system: You are a helpful assistant.\nuser: Hello!\nassistant:  Hi there. \nuser: What is 2+2?\n"
                + "assistant:", t.render(WITH_SYSTEM, true));
        assertEquals("user: Hello!\n", t.render(List.of(HELLO), false));
        assertFalse(template("llama3.jinja", "", "").isFallback());
    }

    static ChatTemplate template(String resource, String bos, String eos) {
        try (InputStream in = ChatTemplatesRenderExactlyTest.class.getResourceAsStream("/chat-templates/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return ChatTemplate.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), bos, eos);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
