package io.k3mcp.engine.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Attribute access: dict keys, then the Python methods of str, dict and list that chat templates call. */
final class Methods {
    private Methods() {
    }

    static Object attribute(Object target, String name, int line) {
        if (target == null) {
            throw new TemplateException(line, "'None' has no attribute '" + name + "'");
        }
        return attributeOrUndefined(target, name);
    }

    static Object attributeOrUndefined(Object target, String name) {
        if (target instanceof Undefined u) {
            return new Undefined(u.name() + "." + name);
        }
        if (target instanceof Map<?, ?> m) {
            if (m.containsKey(name)) {
                return m.get(name);
            }
            JinjaFunction f = dictMethod(m, name);
            return f != null ? f : new Undefined(name);
        }
        if (target instanceof String s) {
            JinjaFunction f = stringMethod(s, name);
            return f != null ? f : new Undefined(name);
        }
        if (target instanceof List<?> l) {
            JinjaFunction f = listMethod(l, name);
            return f != null ? f : new Undefined(name);
        }
        return new Undefined(name);
    }

    private static JinjaFunction dictMethod(Map<?, ?> m, String name) {
        return switch (name) {
            case "items" -> (a, k) -> {
                List<Object> out = new ArrayList<>();
                m.forEach((key, v) -> {
                    List<Object> pair = new ArrayList<>();
                    pair.add(key);
                    pair.add(v);
                    out.add(pair);
                });
                return out;
            };
            case "keys" -> (a, k) -> new ArrayList<Object>(m.keySet());
            case "values" -> (a, k) -> new ArrayList<Object>(m.values());
            case "get" -> (a, k) -> {
                Object key = a.isEmpty() ? null : a.get(0);
                return m.containsKey(key) ? m.get(key) : (a.size() > 1 ? a.get(1) : null);
            };
            default -> null;
        };
    }

    private static JinjaFunction listMethod(List<?> l, String name) {
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) l;
        return switch (name) {
            case "append" -> (a, k) -> {
                list.add(a.isEmpty() ? null : a.get(0));
                return null;
            };
            case "index" -> (a, k) -> {
                for (int i = 0; i < list.size(); i++) {
                    if (Py.equal(list.get(i), a.get(0))) {
                        return (long) i;
                    }
                }
                throw new TemplateException(Py.repr(a.get(0)) + " is not in list");
            };
            case "count" -> (a, k) -> list.stream().filter(x -> Py.equal(x, a.get(0))).count();
            default -> null;
        };
    }

    private static String arg(List<Object> a, int i) {
        return a.size() > i && a.get(i) != null ? Py.str(a.get(i)) : null;
    }

    private static JinjaFunction stringMethod(String s, String name) {
        return switch (name) {
            case "strip" -> (a, k) -> strip(s, arg(a, 0), true, true);
            case "lstrip" -> (a, k) -> strip(s, arg(a, 0), true, false);
            case "rstrip" -> (a, k) -> strip(s, arg(a, 0), false, true);
            case "upper" -> (a, k) -> s.toUpperCase(Locale.ROOT);
            case "lower" -> (a, k) -> s.toLowerCase(Locale.ROOT);
            case "title" -> (a, k) -> Builtins.title(s);
            case "capitalize" -> (a, k) -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "startswith" -> (a, k) -> affix(s, a.get(0), true);
            case "endswith" -> (a, k) -> affix(s, a.get(0), false);
            case "split" -> (a, k) -> split(s, arg(a, 0), a.size() > 1 ? ((Long) a.get(1)).intValue() : -1);
            case "splitlines" -> (a, k) -> new ArrayList<Object>(List.of(s.split("\\r?\\n", -1)));
            case "replace" -> (a, k) -> s.replace(arg(a, 0), arg(a, 1));
            case "find" -> (a, k) -> (long) s.indexOf(arg(a, 0));
            case "count" -> (a, k) -> (long) (s.isEmpty() ? 0 : (s.length() - s.replace(arg(a, 0), "").length()) / Math.max(1, arg(a, 0).length()));
            case "join" -> (a, k) -> {
                StringBuilder sb = new StringBuilder();
                List<Object> parts = Py.iterate(a.get(0), 0);
                for (int i = 0; i < parts.size(); i++) {
                    sb.append(i > 0 ? s : "").append(Py.str(parts.get(i)));
                }
                return sb.toString();
            };
            case "format" -> (a, k) -> braceFormat(s, a, k);
            case "isdigit" -> (a, k) -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isspace" -> (a, k) -> !s.isEmpty() && s.chars().allMatch(Character::isWhitespace);
            default -> null;
        };
    }

    private static boolean affix(String s, Object arg, boolean prefix) {
        if (arg instanceof List<?> options) {
            for (Object o : options) {
                if (prefix ? s.startsWith(Py.str(o)) : s.endsWith(Py.str(o))) {
                    return true;
                }
            }
            return false;
        }
        return prefix ? s.startsWith(Py.str(arg)) : s.endsWith(Py.str(arg));
    }

    static String strip(String s, String chars, boolean left, boolean right) {
        int b = 0;
        int e = s.length();
        if (chars == null) {
            while (left && b < e && Character.isWhitespace(s.charAt(b))) {
                b++;
            }
            while (right && e > b && Character.isWhitespace(s.charAt(e - 1))) {
                e--;
            }
        } else {
            while (left && b < e && chars.indexOf(s.charAt(b)) >= 0) {
                b++;
            }
            while (right && e > b && chars.indexOf(s.charAt(e - 1)) >= 0) {
                e--;
            }
        }
        return s.substring(b, e);
    }

    static List<Object> split(String s, String sep, int maxSplit) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            for (String part : s.strip().split("\\s+")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
            return out;
        }
        if (sep.isEmpty()) {
            throw new TemplateException("empty separator");
        }
        int from = 0;
        int idx;
        while ((maxSplit < 0 || out.size() < maxSplit) && (idx = s.indexOf(sep, from)) >= 0) {
            out.add(s.substring(from, idx));
            from = idx + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    private static String braceFormat(String fmt, List<Object> args, Map<String, Object> kw) {
        StringBuilder sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c == '{' && i + 1 < fmt.length() && fmt.charAt(i + 1) == '{') {
                sb.append('{');
                i++;
            } else if (c == '}' && i + 1 < fmt.length() && fmt.charAt(i + 1) == '}') {
                sb.append('}');
                i++;
            } else if (c == '{') {
                int end = fmt.indexOf('}', i);
                String key = fmt.substring(i + 1, end);
                Object v = key.isEmpty() ? args.get(auto++) : key.chars().allMatch(Character::isDigit)
                        ? args.get(Integer.parseInt(key)) : kw.get(key);
                sb.append(Py.str(v));
                i = end;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Python's printf-style 'fmt % args' for %s, %d, %r and %%. */
    static String percentFormat(String fmt, Object args, int line) {
        List<Object> values = args instanceof List<?> l ? new ArrayList<>(l) : List.of(args == null ? "None" : args);
        StringBuilder sb = new StringBuilder();
        int k = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                sb.append(c);
                continue;
            }
            char f = fmt.charAt(++i);
            if (f == '%') {
                sb.append('%');
            } else if (k >= values.size()) {
                throw new TemplateException(line, "not enough arguments for format string");
            } else if (f == 's') {
                sb.append(Py.str(values.get(k++)));
            } else if (f == 'r') {
                sb.append(Py.repr(values.get(k++)));
            } else if (f == 'd') {
                Object v = values.get(k++);
                sb.append(v instanceof Double d ? Long.toString((long) (double) d) : Py.str(v));
            } else {
                throw new TemplateException(line, "unsupported format character '" + f + "'");
            }
        }
        return sb.toString();
    }
}
