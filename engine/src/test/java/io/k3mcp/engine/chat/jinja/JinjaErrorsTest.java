package io.k3mcp.engine.chat.jinja;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Templates that cannot be parsed or rendered fail with a TemplateException naming the line, never a
 * silent wrong prompt or another exception type; and the Python semantics real templates lean on
 * (reject, items, none/undefined, loop controls) that the fixtures' oracle does not cover.
 */
class JinjaErrorsTest {

    private static String render(String template, Map<String, Object> context) {
        return JinjaTemplate.compile(template).render(context);
    }

    private static String compileError(String template) {
        return assertThrows(TemplateException.class, () -> JinjaTemplate.compile(template)).getMessage();
    }

    private static String renderError(String template) {
        return assertThrows(TemplateException.class, () -> render(template, Map.of())).getMessage();
    }

    @Test
    void syntaxErrorsNameTheLine() {
        String unclosed = compileError("a\nb\n{% if x %}never closed");
        assertTrue(unclosed.startsWith("template line 3: this block is never closed"), unclosed);
        String nested = compileError("{% for m in messages %}\n{% if m %}\n{% endfor %}");
        assertTrue(nested.startsWith("template line 3"), nested);
        assertTrue(compileError("ok\n{{ 'unterminated }}").startsWith("template line 2"), compileError("ok\n{{ 'unterminated }}"));
        assertEquals("template line 2: unexpected {% endfor %}", compileError("x\n{% endfor %}"));
        assertTrue(compileError("x\n\n{{ a ? b }}").startsWith("template line 3"), compileError("x\n\n{{ a ? b }}"));
        assertTrue(compileError("{% frobnicate %}").contains("unknown statement 'frobnicate'"));
        assertTrue(compileError("{{ x").contains("unclosed"), compileError("{{ x"));
    }

    @Test
    void renderErrorsNameTheLine() {
        assertTrue(renderError("\n{{ 1 / 0 }}").startsWith("template line 2: division by zero"), renderError("\n{{ 1 / 0 }}"));
        assertTrue(renderError("{{ 'a' | no_such_filter }}").contains("unknown filter 'no_such_filter'"));
        assertTrue(renderError("{{ 1 is no_such_test }}").contains("unknown test 'no_such_test'"));
        assertTrue(renderError("{{ 'a' + 1 }}").contains("unsupported operand types"), renderError("{{ 'a' + 1 }}"));
        assertTrue(renderError("{{ none.x }}").contains("'None' has no attribute 'x'"), renderError("{{ none.x }}"));
        assertEquals("template raised: no system role", renderError("{{ raise_exception('no system role') }}"));
    }

    @Test
    void pythonSemanticsTheLlamaTemplatesUse() {
        Map<String, Object> ctx = new HashMap<>();
        ctx.put("tools", List.of("brave_search", "code_interpreter", "wolfram_alpha"));
        ctx.put("args", Map.of("query", "news"));
        ctx.put("nothing", null);
        assertEquals("brave_search, wolfram_alpha", render("{{ tools | reject('equalto', 'code_interpreter') | join(', ') }}", ctx));
        assertEquals("query=\"news\"", render("{% for k, v in args | items %}{{ k + '=\"' + v + '\"' }}{% endfor %}", ctx));
        assertEquals("none-defined|undefined", render("{{ 'none' if nothing is none }}-{{ 'defined' if nothing is defined }}|"
                + "{{ 'undefined' if missing is undefined }}", ctx));
        assertEquals("a,c", render("{% for t in ['a','b','c'] %}{% if t == 'b' %}{% continue %}{% endif %}{{ t }}{% if not loop.last %},{% endif %}{% endfor %}", ctx));
        assertEquals("{\"k\": \"é\"}", render("{{ {'k': 'é'} | tojson }}", ctx));
    }
}
