package io.k3mcp.engine.chat.jinja;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a syntax tree against a context with Jinja's scoping: loops and macros open scopes, if does not. */
final class Interpreter {
    private static final RuntimeException BREAK = new RuntimeException("break", null, false, false) { };
    private static final RuntimeException CONTINUE = new RuntimeException("continue", null, false, false) { };
    private static final int MAX_OUTPUT = 16 << 20;

    /** A variable scope; lookups walk outwards. */
    static final class Scope {
        final Map<String, Object> vars = new HashMap<>();
        final Scope parent;

        Scope(Scope parent) {
            this.parent = parent;
        }

        Object lookup(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.vars.containsKey(name)) {
                    return s.vars.get(name);
                }
            }
            return new Undefined(name);
        }
    }

    private final StringBuilder out = new StringBuilder();

    String render(List<Node> body, Scope scope) {
        exec(body, scope, out);
        return out.toString();
    }

    void exec(List<Node> body, Scope scope, StringBuilder sink) {
        for (Node n : body) {
            exec(n, scope, sink);
        }
    }

    private void exec(Node n, Scope scope, StringBuilder sink) {
        if (sink.length() > MAX_OUTPUT) {
            throw new TemplateException(n.line(), "rendered output exceeds " + MAX_OUTPUT + " characters");
        }
        if (n instanceof Node.SText t) {
            sink.append(t.text());
        } else if (n instanceof Node.SOutput o) {
            sink.append(Py.str(eval(o.expr(), scope)));
        } else if (n instanceof Node.SIf s) {
            for (int i = 0; i < s.conditions().size(); i++) {
                if (Py.truthy(eval(s.conditions().get(i), scope))) {
                    exec(s.bodies().get(i), scope, sink);
                    return;
                }
            }
            exec(s.orElse(), scope, sink);
        } else if (n instanceof Node.SFor f) {
            execFor(f, scope, sink);
        } else if (n instanceof Node.SSet s) {
            Object value;
            if (s.value() != null) {
                value = eval(s.value(), scope);
            } else {
                StringBuilder captured = new StringBuilder();
                exec(s.body(), scope, captured);
                value = captured.toString();
            }
            assign(s.target(), value, scope, s.line());
        } else if (n instanceof Node.SMacro m) {
            scope.vars.put(m.name(), macro(m, scope));
        } else if (n instanceof Node.SCallBlock c) {
            Scope inner = new Scope(scope);
            inner.vars.put("caller", (JinjaFunction) (args, kw) -> {
                StringBuilder sb = new StringBuilder();
                exec(c.body(), new Scope(scope), sb);
                return sb.toString();
            });
            sink.append(Py.str(eval(c.call(), inner)));
        } else if (n instanceof Node.SFilterBlock fb) {
            StringBuilder captured = new StringBuilder();
            exec(fb.body(), scope, captured);
            List<Object> args = new ArrayList<>();
            for (Node a : fb.args()) {
                args.add(eval(a, scope));
            }
            sink.append(Py.str(Builtins.filter(fb.filter(), captured.toString(), args, Map.of(), fb.line())));
        } else if (n instanceof Node.SBlock b) {
            exec(b.body(), scope, sink);
        } else if (n instanceof Node.SBreak) {
            throw BREAK;
        } else if (n instanceof Node.SContinue) {
            throw CONTINUE;
        } else {
            throw new TemplateException(n.line(), "cannot execute " + n.getClass().getSimpleName());
        }
    }

    private void execFor(Node.SFor f, Scope scope, StringBuilder sink) {
        List<Object> items = Py.iterate(eval(f.iterable(), scope), f.line());
        if (f.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Scope probe = new Scope(scope);
                bindTargets(f, item, probe);
                if (Py.truthy(eval(f.filter(), probe))) {
                    kept.add(item);
                }
            }
            items = kept;
        }
        if (items.isEmpty()) {
            exec(f.orElse(), scope, sink);
            return;
        }
        int n = items.size();
        for (int i = 0; i < n; i++) {
            Scope inner = new Scope(scope);
            bindTargets(f, items.get(i), inner);
            inner.vars.put("loop", loopInfo(items, i));
            try {
                exec(f.body(), inner, sink);
            } catch (RuntimeException signal) {
                if (signal == BREAK) {
                    break;
                }
                if (signal != CONTINUE) {
                    throw signal;
                }
            }
        }
    }

    private static Map<String, Object> loopInfo(List<Object> items, int i) {
        int n = items.size();
        Map<String, Object> loop = new LinkedHashMap<>();
        loop.put("index", (long) i + 1);
        loop.put("index0", (long) i);
        loop.put("revindex", (long) (n - i));
        loop.put("revindex0", (long) (n - i - 1));
        loop.put("first", i == 0);
        loop.put("last", i == n - 1);
        loop.put("length", (long) n);
        loop.put("previtem", i > 0 ? items.get(i - 1) : new Undefined("previtem"));
        loop.put("nextitem", i < n - 1 ? items.get(i + 1) : new Undefined("nextitem"));
        loop.put("cycle", (JinjaFunction) (args, kw) -> args.isEmpty() ? null : args.get(i % args.size()));
        return loop;
    }

    private static void bindTargets(Node.SFor f, Object item, Scope scope) {
        if (f.targets().size() == 1) {
            scope.vars.put(f.targets().get(0), item);
            return;
        }
        List<Object> parts = Py.iterate(item, f.line());
        if (parts.size() != f.targets().size()) {
            throw new TemplateException(f.line(), "cannot unpack " + parts.size() + " values into " + f.targets());
        }
        for (int k = 0; k < parts.size(); k++) {
            scope.vars.put(f.targets().get(k), parts.get(k));
        }
    }

    private void assign(Node target, Object value, Scope scope, int line) {
        if (target instanceof Node.EName name) {
            scope.vars.put(name.name(), value);
        } else if (target instanceof Node.EAttr attr) {
            Object obj = eval(attr.target(), scope);
            if (!(obj instanceof Namespace ns)) {
                throw new TemplateException(line, "cannot assign attribute '" + attr.name() + "' on " + Py.typeName(obj)
                        + " (only on a namespace())");
            }
            ns.put(attr.name(), value);
        } else if (target instanceof Node.ETuple tuple) {
            List<Object> parts = Py.iterate(value, line);
            if (parts.size() != tuple.items().size()) {
                throw new TemplateException(line, "cannot unpack " + parts.size() + " values into " + tuple.items().size() + " names");
            }
            for (int i = 0; i < parts.size(); i++) {
                assign(tuple.items().get(i), parts.get(i), scope, line);
            }
        } else {
            throw new TemplateException(line, "cannot assign to this expression");
        }
    }

    private JinjaFunction macro(Node.SMacro m, Scope defScope) {
        return (args, kwargs) -> {
            Scope inner = new Scope(defScope);
            for (int i = 0; i < m.params().size(); i++) {
                String p = m.params().get(i);
                Object v;
                if (i < args.size()) {
                    v = args.get(i);
                } else if (kwargs.containsKey(p)) {
                    v = kwargs.get(p);
                } else if (m.defaults().get(i) != null) {
                    v = eval(m.defaults().get(i), inner);
                } else {
                    v = new Undefined(p);
                }
                inner.vars.put(p, v);
            }
            Object caller = defScope.lookup("caller");
            if (!(caller instanceof Undefined)) {
                inner.vars.put("caller", caller);
            }
            StringBuilder sb = new StringBuilder();
            exec(m.body(), inner, sb);
            return sb.toString();
        };
    }

    Object eval(Node n, Scope scope) {
        return Evaluator.eval(this, n, scope);
    }
}
