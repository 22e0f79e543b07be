package dev.baton.engine.tokenizer.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The interpreter's Jinja and Python semantics, each case against the text Jinja2 renders for it. */
class JinjaSubsetFollowsJinjaTest {
    private static final List<ChatMessage> CHAT = List.of(new ChatMessage("system", "  sys  "),
            new ChatMessage("user", "Hi"), new ChatMessage("assistant", "Hello"));

    @Test
    void whitespaceControlAsHuggingFaceConfiguresIt() {
        // trim_blocks drops the newline after a block tag, lstrip_blocks the indentation before it
        assertEquals("a\nb\n", render("{% if true %}\n    a\n{% endif %}\n    {% if true %}\nb\n{% endif %}\n"
                .replace("    a", "a")));
        assertEquals("  x\n", render("{% if true %}\n  {{ 'x' }}\n{% endif %}"), "only block tags are lstripped");
        assertEquals("ab", render("a  \n  {{- 'b' -}}  \n  "));
        assertEquals("a\nb", render("a\n{# comment #}\nb"), "a comment also eats its newline");
        assertEquals("ab", render("a\n{#- comment #}\nb"));
        assertEquals("x\n", render("{% if true +%}\nx\n{% endif %}").replace("\nx", "x"));
        assertEquals("\n1\n2", render("{% for i in [1, 2] +%}\n{{ i }}{% endfor %}"));
        // Jinja's defaults: line breaks become \n, and the template's one trailing newline is not rendered
        assertEquals("a\nb\n", render("a\r\nb\r\n\r\n"));
        assertEquals("x", render("{{ 'x' }}\n"));
    }

    @Test
    void pythonValuesRenderAsPythonPrintsThem() {
        assertEquals("None|True|False|3|2.5|1.0|['a', 1]|{'k': 'v'}|",
                render("{{ none }}|{{ true }}|{{ False }}|{{ 1 + 2 }}|{{ 5 / 2 }}|{{ 0.5 * 2 }}|{{ ['a', 1] }}"
                        + "|{{ {'k': 'v'} }}|{{ missing }}"));
        assertEquals("3|-4|1|2|8|ab|a1|aaa", render("{{ 7 // 2 }}|{{ -7 // 2 }}|{{ -7 % 4 - 0 }}|{{ 7 % 5 }}"
                + "|{{ 2 ** 3 }}|{{ 'a' + 'b' }}|{{ 'a' ~ 1 }}|{{ 'a' * 3 }}"));
        assertEquals("True|True|False|True|True|False", render("{{ 1 == 1.0 }}|{{ true == 1 }}|{{ 'a' == none }}"
                + "|{{ [1] == [1] }}|{{ nothing == missing }}|{{ nothing == none }}"));
    }

    @Test
    void orAndReturnTheirOperandsAndConditionalsRender() {
        assertEquals("x|0|yes|", render("{{ '' or 'x' }}|{{ 0 and 'y' }}|{{ 'yes' if 1 else 'no' }}"
                + "|{{ 'a' if false }}"));
    }

    @Test
    void slicingAndIndexingFollowPython() {
        assertEquals("[2, 3]|[1, 2]|[3, 2, 1]|3|c|bc|", render("{% set l = [1, 2, 3] %}{{ l[1:] }}|{{ l[:-1] }}"
                + "|{{ l[::-1] }}|{{ l[-1] }}|{{ 'abc'[2] }}|{{ 'abc'[1:] }}|{{ l[7] }}"));
        assertEquals("user,assistant", render("{{ (messages[1:] | map(attribute='role') | join(',')) }}"));
    }

    @Test
    void stringAndDictMethods() {
        assertEquals("sys|sys  |  sys|True|False|['a', 'b', 'c']|['a', 'b=c']|User|a-b",
                render("{{ messages[0].content.strip() }}|{{ messages[0].content.lstrip() }}"
                        + "|{{ messages[0].content.rstrip() }}|{{ 'user'.startswith('us') }}"
                        + "|{{ 'user'.endswith(('x', 'y')) }}|{{ 'a b  c'.split() }}|{{ 'a=b=c'.split('=', 1) }}"
                        + "|{{ 'user'.title() }}|{{ 'a b'.replace(' ', '-') }}"));
        assertEquals("k=1;j=2;|1|none", render("{% set d = {'k': 1, 'j': 2} %}{% for key, value in d.items() %}"
                + "{{ key }}={{ value }};{% endfor %}|{{ d.get('k') }}|{{ d.get('x', 'none') }}"));
    }

    @Test
    void filtersChatTemplatesUse() {
        assertEquals("sys|3|HI|hi|2|Hi|Hello|x|d", render("{{ messages[0].content | trim }}|{{ messages | length }}"
                + "|{{ 'hi' | upper }}|{{ 'HI' | lower }}|{{ messages | selectattr('role', 'equalto', 'user') | list "
                + "| length + 1 }}|{{ (messages | selectattr('role', 'equalto', 'user') | first).content }}"
                + "|{{ (messages | rejectattr('role', 'in', ['system', 'user']) | last)['content'] }}"
                + "|{{ undefined_name | default('x') }}|{{ '' | default('d', true) }}"));
        assertEquals("{\"a\": [1, 2.5, true, null], \"b\": \"é\\n\\\"\"}", render("{{ {'a': [1, 2.5, true, none], "
                + "'b': 'é\\n\"'} | tojson }}"));
        assertEquals("{\n  \"a\": 1\n}", render("{{ {'a': 1} | tojson(indent=2) }}"));
        assertEquals("a\n    b", render("{{ 'a\\nb' | indent }}"));
    }

    @Test
    void testsChatTemplatesUse() {
        assertEquals("True|False|True|True|True|True|True|False|True",
                render("{{ messages is defined }}|{{ tools is defined }}|{{ none is none }}|{{ 'a' is string }}"
                        + "|{{ messages[0] is mapping }}|{{ 4 is divisibleby 2 }}|{{ 3 is odd }}"
                        + "|{{ 'a' is not string }}|{{ not tools is defined }}"));
    }

    @Test
    void loopsKnowTheirPlaceAndScopeTheirVariables() {
        assertEquals("1/3 first;2/3;3/3 last;", render("{% for m in messages %}{{ loop.index }}/{{ loop.length }}"
                + "{% if loop.first %} first{% endif %}{% if loop.last %} last{% endif %};{% endfor %}"));
        assertEquals("user:assistant|0", render("{% set n = 0 %}{% for m in messages if m.role != 'system' %}"
                + "{% set n = n + 1 %}{{ m.role }}{% if not loop.last %}:{% endif %}{% endfor %}|{{ n }}"));
        assertEquals("2", render("{% set ns = namespace(n=0) %}{% for m in messages if m.role != 'system' %}"
                + "{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}"));
        assertEquals("empty", render("{% for m in [] %}x{% else %}empty{% endfor %}"));
        assertEquals("02", render("{% for i in range(5) %}{% if i == 1 %}{% continue %}{% endif %}"
                + "{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}"));
        assertEquals("a|b|a", render("{% for i in range(3) %}{{ loop.cycle('a', 'b') }}{% if not loop.last %}|"
                + "{% endif %}{% endfor %}"));
    }

    @Test
    void macrosAndBlockSet() {
        assertEquals("<user>Hi</user><x>?</x>", render("{% macro tag(name, body='?') %}<{{ name }}>{{ body }}"
                + "</{{ name }}>{% endmacro %}{{ tag('user', messages[1].content) }}{{ tag(name='x') }}"));
        assertEquals("[Hi]", render("{% set wrapped %}[{{ messages[1].content }}]{% endset %}{{ wrapped }}"));
    }

    @Test
    void rawBlocksAreLiteral() {
        assertEquals("{{ not_a_tag }} {% if %}", render("{% raw %}{{ not_a_tag }} {% if %}{% endraw %}"));
        assertEquals("x\n  {{ y }}z", render("x\n{% raw %}\n  {{ y }}\n  {%- endraw %}z"));
    }

    @Test
    void stringLiteralsUnderstandPythonEscapes() {
        assertEquals("a\nb\tc'd\"e\\f\u00e9", render("{{ 'a\\nb\\tc\\'d\"e\\\\f\\u00e9' }}"));
        assertEquals("ab", render("{{ 'a' 'b' }}"), "adjacent literals join");
    }

    private static String render(String template) {
        return ChatTemplate.parse(template, "<s>", "</s>").render(CHAT, true);
    }
}
