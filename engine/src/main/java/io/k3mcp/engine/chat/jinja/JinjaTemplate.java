package io.k3mcp.engine.chat.jinja;

import java.util.List;
import java.util.Map;

/**
 * A compiled Jinja template, rendered the way Hugging Face's apply_chat_template does (trim_blocks,
 * lstrip_blocks, loop controls, tojson with ensure_ascii off, raise_exception, strftime_now).
 * Covers the subset of Jinja that real chat templates use; anything else fails with a message
 * naming the line, never silently.
 */
public final class JinjaTemplate {
    private final List<Node> body;

    private JinjaTemplate(List<Node> body) {
        this.body = body;
    }

    /** @throws TemplateException for a syntax error, naming the line */
    public static JinjaTemplate compile(String source) {
        return new JinjaTemplate(Parser.parse(source));
    }

    /**
     * Renders with {@code context}: plain Java data (Map, List, String, Number, Boolean, null);
     * integers become Python ints, other numbers floats.
     */
    public String render(Map<String, Object> context) {
        Interpreter.Scope globals = new Interpreter.Scope(null);
        globals.vars.putAll(Builtins.globals());
        Interpreter.Scope scope = new Interpreter.Scope(globals);
        context.forEach((k, v) -> scope.vars.put(k, Values.fromJava(v)));
        return new Interpreter().render(body, scope);
    }
}
