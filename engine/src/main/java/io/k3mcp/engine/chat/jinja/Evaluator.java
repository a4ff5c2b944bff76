package io.k3mcp.engine.chat.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Expression evaluation with Python operator semantics. */
final class Evaluator {
    private Evaluator() {
    }

    static Object eval(Interpreter in, Node n, Interpreter.Scope scope) {
        if (n instanceof Node.ELiteral l) {
            return l.value();
        }
        if (n instanceof Node.EName name) {
            return scope.lookup(name.name());
        }
        if (n instanceof Node.EList l) {
            List<Object> out = new ArrayList<>();
            for (Node item : l.items()) {
                out.add(eval(in, item, scope));
            }
            return out;
        }
        if (n instanceof Node.ETuple t) {
            List<Object> out = new ArrayList<>();
            for (Node item : t.items()) {
                out.add(eval(in, item, scope));
            }
            return out;
        }
        if (n instanceof Node.EDict d) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < d.keys().size(); i++) {
                out.put(Py.str(eval(in, d.keys().get(i), scope)), eval(in, d.values().get(i), scope));
            }
            return out;
        }
        if (n instanceof Node.EAttr a) {
            return Methods.attribute(eval(in, a.target(), scope), a.name(), a.line());
        }
        if (n instanceof Node.EItem it) {
            return item(eval(in, it.target(), scope), eval(in, it.index(), scope), it.line());
        }
        if (n instanceof Node.ESlice s) {
            return slice(eval(in, s.target(), scope), optLong(in, s.start(), scope), optLong(in, s.stop(), scope),
                    optLong(in, s.step(), scope), s.line());
        }
        if (n instanceof Node.ECall c) {
            Object callee = eval(in, c.callee(), scope);
            if (!(callee instanceof JinjaFunction f)) {
                throw new TemplateException(c.line(), describe(c.callee()) + " is not callable (" + Py.typeName(callee) + ")");
            }
            List<Object> args = new ArrayList<>();
            for (Node a : c.args()) {
                args.add(eval(in, a, scope));
            }
            return f.call(args, kwargs(in, c.kwNames(), c.kwValues(), scope));
        }
        if (n instanceof Node.EFilter f) {
            Object v = eval(in, f.target(), scope);
            List<Object> args = new ArrayList<>();
            for (Node a : f.args()) {
                args.add(eval(in, a, scope));
            }
            return Builtins.filter(f.name(), v, args, kwargs(in, f.kwNames(), f.kwValues(), scope), f.line());
        }
        if (n instanceof Node.ETest t) {
            Object v = eval(in, t.target(), scope);
            List<Object> args = new ArrayList<>();
            for (Node a : t.args()) {
                args.add(eval(in, a, scope));
            }
            return Builtins.test(t.name(), v, args, t.line()) != t.negated();
        }
        if (n instanceof Node.EUnary u) {
            Object v = eval(in, u.operand(), scope);
            if (u.op().equals("not")) {
                return !Py.truthy(v);
            }
            if (v instanceof Long l) {
                return -l;
            }
            if (v instanceof Double d) {
                return -d;
            }
            throw new TemplateException(u.line(), "bad operand for unary -: " + Py.typeName(v));
        }
        if (n instanceof Node.EBinary b) {
            return binary(in, b, scope);
        }
        if (n instanceof Node.ECondition c) {
            if (Py.truthy(eval(in, c.condition(), scope))) {
                return eval(in, c.whenTrue(), scope);
            }
            return c.whenFalse() == null ? new Undefined("inline if") : eval(in, c.whenFalse(), scope);
        }
        throw new TemplateException(n.line(), "cannot evaluate " + n.getClass().getSimpleName());
    }

    private static String describe(Node n) {
        if (n instanceof Node.EName name) {
            return "'" + name.name() + "'";
        }
        if (n instanceof Node.EAttr a) {
            return "'" + a.name() + "'";
        }
        return "expression";
    }

    private static Map<String, Object> kwargs(Interpreter in, List<String> names, List<Node> values, Interpreter.Scope scope) {
        Map<String, Object> kw = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            kw.put(names.get(i), eval(in, values.get(i), scope));
        }
        return kw;
    }

    private static Long optLong(Interpreter in, Node n, Interpreter.Scope scope) {
        if (n == null) {
            return null;
        }
        Object v = eval(in, n, scope);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Long l)) {
            throw new TemplateException(n.line(), "slice indices must be integers, not " + Py.typeName(v));
        }
        return l;
    }

    private static Object binary(Interpreter in, Node.EBinary b, Interpreter.Scope scope) {
        String op = b.op();
        Object left = eval(in, b.left(), scope);
        if (op.equals("and")) {
            return Py.truthy(left) ? eval(in, b.right(), scope) : left;
        }
        if (op.equals("or")) {
            return Py.truthy(left) ? left : eval(in, b.right(), scope);
        }
        Object right = eval(in, b.right(), scope);
        int line = b.line();
        switch (op) {
            case "==" -> {
                return Py.equal(left, right);
            }
            case "!=" -> {
                return !Py.equal(left, right);
            }
            case "<" -> {
                return Py.compare(left, right, line) < 0;
            }
            case ">" -> {
                return Py.compare(left, right, line) > 0;
            }
            case "<=" -> {
                return Py.compare(left, right, line) <= 0;
            }
            case ">=" -> {
                return Py.compare(left, right, line) >= 0;
            }
            case "in" -> {
                return contains(right, left, line);
            }
            case "not in" -> {
                return !contains(right, left, line);
            }
            case "~" -> {
                return Py.str(left) + Py.str(right);
            }
            default -> {
                return Arithmetic.apply(op, left, right, line);
            }
        }
    }

    static boolean contains(Object container, Object item, int line) {
        if (container instanceof String s) {
            if (!(item instanceof String i)) {
                throw new TemplateException(line, "'in <string>' requires a string, not " + Py.typeName(item));
            }
            return s.contains(i);
        }
        if (container instanceof List<?> l) {
            for (Object o : l) {
                if (Py.equal(o, item)) {
                    return true;
                }
            }
            return false;
        }
        if (container instanceof Map<?, ?> m) {
            return m.containsKey(Py.str(item));
        }
        if (container instanceof Undefined) {
            return false;
        }
        throw new TemplateException(line, "argument of type '" + Py.typeName(container) + "' is not iterable");
    }

    static Object item(Object target, Object index, int line) {
        if (target instanceof Map<?, ?> m) {
            Object key = index instanceof String ? index : Py.str(index);
            return m.containsKey(key) ? m.get(key) : Methods.attributeOrUndefined(target, Py.str(index));
        }
        if (target instanceof List<?> l && index instanceof Long i) {
            long k = i < 0 ? l.size() + i : i;
            if (k < 0 || k >= l.size()) {
                return new Undefined("[" + i + "]");
            }
            return l.get((int) k);
        }
        if (target instanceof String s && index instanceof Long i) {
            int[] cps = s.codePoints().toArray();
            long k = i < 0 ? cps.length + i : i;
            if (k < 0 || k >= cps.length) {
                return new Undefined("[" + i + "]");
            }
            return new String(Character.toChars(cps[(int) k]));
        }
        if (target instanceof Undefined u) {
            return new Undefined(u.name() + "[" + Py.str(index) + "]");
        }
        if (index instanceof String name) {
            return Methods.attribute(target, name, line);
        }
        throw new TemplateException(line, "cannot index " + Py.typeName(target) + " with " + Py.typeName(index));
    }

    static Object slice(Object target, Long start, Long stop, Long step, int line) {
        List<Object> items;
        boolean isString = target instanceof String;
        if (isString) {
            items = Py.iterate(target, line);
        } else if (target instanceof List<?> l) {
            items = new ArrayList<>(l);
        } else {
            throw new TemplateException(line, "cannot slice " + Py.typeName(target));
        }
        int n = items.size();
        long st = step == null ? 1 : step;
        if (st == 0) {
            throw new TemplateException(line, "slice step cannot be zero");
        }
        long lo;
        long hi;
        if (st > 0) {
            lo = start == null ? 0 : clamp(start < 0 ? start + n : start, 0, n);
            hi = stop == null ? n : clamp(stop < 0 ? stop + n : stop, 0, n);
        } else {
            lo = start == null ? n - 1 : clamp(start < 0 ? start + n : start, -1, n - 1);
            hi = stop == null ? -1 : clamp(stop < 0 ? stop + n : stop, -1, n - 1);
        }
        List<Object> out = new ArrayList<>();
        for (long i = lo; st > 0 ? i < hi : i > hi; i += st) {
            out.add(items.get((int) i));
        }
        if (isString) {
            StringBuilder sb = new StringBuilder();
            out.forEach(o -> sb.append((String) o));
            return sb.toString();
        }
        return out;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
