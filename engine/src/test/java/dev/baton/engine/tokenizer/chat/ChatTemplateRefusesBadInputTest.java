package dev.baton.engine.tokenizer.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad messages and bad or hostile templates fail with a clear exception, never a stack overflow or a hang. */
class ChatTemplateRefusesBadInputTest {
    private static final List<ChatMessage> HELLO = List.of(new ChatMessage("user", "Hello"));

    @Test
    void unknownRolesAndMissingPartsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ChatMessage("robot", "hi"));
        assertTrue(e.getMessage().contains("unknown chat role 'robot'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ChatMessage(null, "hi"));
        assertThrows(IllegalArgumentException.class, () -> new ChatMessage("user", null));
        assertThrows(IllegalArgumentException.class, () -> ChatTemplate.plainFallback().render(List.of(), true));
    }

    @Test
    void malformedTemplatesNameTheLine() {
        assertSyntax("{% if true %}\nno end", 2, "missing {% endif %}");
        assertSyntax("line one\n{% include 'other.jinja' %}", 2, "unsupported tag {% include %}");
        assertSyntax("{{ 'open }}", 1, "unclosed string literal");
        assertSyntax("{{ 1 + }}", 1, "unexpected '}}'");
        assertSyntax("{{ messages", 1, "unclosed {{ tag");
        assertSyntax("{% for m in messages %}{% endif %}", 1, "unexpected"); // the for body never ends
        assertSyntax("{# never closed", 1, "unclosed comment");
        assertSyntax("{{ a ? b }}", 1, "unexpected character '?'");
    }

    @Test
    void runtimeFailuresAreTheTemplatesFaultNotTheCallers() {
        for (String template : List.of("{{ messages | shuffle }}", "{{ 'a' + 1 }}", "{{ nothing.here }}",
                "{{ undefined_function() }}", "{% set x = 1 %}{% set x.y = 2 %}", "{{ 1 // 0 }}", "{{ x is weird }}",
                "{{ 3 is divisibleby 0 }}", "{{ 'abc' | items }}", "{{ 2 ** 64 }}")) {
            TemplateRenderException e = assertThrows(TemplateRenderException.class,
                    () -> ChatTemplate.parse(template, "", "").render(HELLO, true), template);
            assertFalse(e.raisedByTemplate(), template);
            assertTrue(e.getMessage().startsWith("chat template error: "), e.getMessage());
        }
        TemplateRenderException raised = assertThrows(TemplateRenderException.class,
                () -> ChatTemplate.parse("{{ raise_exception('no ' + messages[0].role) }}", "", "").render(HELLO, true));
        assertTrue(raised.raisedByTemplate());
        assertEquals("no user", raised.getMessage());
    }

    @Test
    void hostileTemplatesAreBounded() {
        assertSyntax("{{ " + "(".repeat(5_000) + "1" + ")".repeat(5_000) + " }}", 1, "nested too deeply");
        assertSyntax("{{ " + "not ".repeat(5_000) + "1 }}", 1, "nested too deeply");
        assertSyntax("{% if true %}".repeat(5_000), 1, "nested too deeply");
        assertRenderFails("{% for i in range(10 ** 12) %}{% endfor %}", "range longer than");
        assertRenderFails("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "recurses too deeply");
        assertRenderFails("{{ 'x' * (1 << 1) }}", "unexpected"); // no shift operator: refused at parse
        assertRenderFails("{{ 'x' * 100000000 }}", "repetition longer than");
        assertRenderFails("{% set s = 'x' * 40000000 %}{{ s }}{{ s }}", "exceeds");
    }

    private static void assertSyntax(String template, int line, String messagePart) {
        TemplateSyntaxException e = assertThrows(TemplateSyntaxException.class,
                () -> ChatTemplate.parse(template, "", ""));
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    private static void assertRenderFails(String template, String messagePart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChatTemplate.parse(template, "", "").render(HELLO, true));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }
}
