package io.k3mcp.engine.chat.jinja;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Filters, tests and global functions that real chat templates use. Unknown names are errors, never ignored. */
final class Builtins {
    private Builtins() {
    }

    static Map<String, Object> globals() {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("range", (JinjaFunction) (a, k) -> {
            long start = a.size() > 1 ? (Long) a.get(0) : 0;
            long stop = a.size() > 1 ? (Long) a.get(1) : (Long) a.get(0);
            long step = a.size() > 2 ? (Long) a.get(2) : 1;
            List<Object> out = new ArrayList<>();
            for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
                out.add(i);
            }
            return out;
        });
        g.put("namespace", (JinjaFunction) (a, k) -> {
            Namespace ns = new Namespace();
            if (!a.isEmpty() && a.get(0) instanceof Map<?, ?> m) {
                m.forEach((key, v) -> ns.put(Py.str(key), v));
            }
            ns.putAll(k);
            return ns;
        });
        g.put("dict", (JinjaFunction) (a, k) -> new LinkedHashMap<>(k));
        g.put("raise_exception", (JinjaFunction) (a, k) -> {
            throw new TemplateException("template raised: " + (a.isEmpty() ? "" : Py.str(a.get(0))));
        });
        g.put("strftime_now", (JinjaFunction) (a, k) -> strftime(Py.str(a.get(0))));
        return g;
    }

    static Object filter(String name, Object v, List<Object> a, Map<String, Object> kw, int line) {
        switch (name) {
            case "trim":
                return Methods.strip(Py.str(v), a.isEmpty() ? null : Py.str(a.get(0)), true, true);
            case "upper":
                return Py.str(v).toUpperCase(Locale.ROOT);
            case "lower":
                return Py.str(v).toLowerCase(Locale.ROOT);
            case "title":
                return title(Py.str(v));
            case "capitalize": {
                String s = Py.str(v);
                return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            }
            case "string":
                return Py.str(v);
            case "safe":
            case "e":
            case "escape":
                return v;
            case "length":
            case "count":
                if (v instanceof String s) {
                    return (long) s.codePointCount(0, s.length());
                }
                if (v instanceof Map<?, ?> m) {
                    return (long) m.size();
                }
                return (long) Py.iterate(v, line).size();
            case "default":
            case "d": {
                boolean boolMode = a.size() > 1 && Py.truthy(a.get(1)) || Py.truthy(kw.get("boolean"));
                Object fallback = a.isEmpty() ? "" : a.get(0);
                return v instanceof Undefined || (boolMode && !Py.truthy(v)) ? fallback : v;
            }
            case "tojson": {
                Object indent = kw.containsKey("indent") ? kw.get("indent") : (a.isEmpty() ? null : a.get(0));
                return Py.json(v, indent instanceof Long l ? Integer.valueOf(l.intValue()) : null, Py.truthy(kw.get("sort_keys")));
            }
            case "join": {
                String sep = a.isEmpty() ? "" : Py.str(a.get(0));
                Object attr = kw.get("attribute");
                StringBuilder sb = new StringBuilder();
                List<Object> items = Py.iterate(v, line);
                for (int i = 0; i < items.size(); i++) {
                    Object item = attr == null ? items.get(i) : Methods.attribute(items.get(i), Py.str(attr), line);
                    sb.append(i > 0 ? sep : "").append(Py.str(item));
                }
                return sb.toString();
            }
            case "first": {
                List<Object> items = Py.iterate(v, line);
                return items.isEmpty() ? new Undefined("first") : items.get(0);
            }
            case "last": {
                List<Object> items = Py.iterate(v, line);
                return items.isEmpty() ? new Undefined("last") : items.get(items.size() - 1);
            }
            case "list":
                return Py.iterate(v, line);
            case "reverse": {
                if (v instanceof String s) {
                    return new StringBuilder(s).reverse().toString();
                }
                List<Object> items = Py.iterate(v, line);
                java.util.Collections.reverse(items);
                return items;
            }
            case "items":
                return Methods.attribute(v, "items", line) instanceof JinjaFunction f ? f.call(List.of(), Map.of()) : List.of();
            case "dictsort": {
                List<Object> pairs = (List<Object>) filter("items", v, List.of(), Map.of(), line);
                pairs.sort(Comparator.comparing(p -> Py.str(((List<?>) p).get(0))));
                return pairs;
            }
            case "int":
                return toInt(v);
            case "float":
                return v instanceof String s ? Double.parseDouble(s.strip()) : Py.toDouble(v);
            case "abs":
                return v instanceof Long l ? (Object) Math.abs(l) : Math.abs(Py.toDouble(v));
            case "round": {
                int digits = a.isEmpty() ? 0 : ((Long) a.get(0)).intValue();
                double f = Math.pow(10, digits);
                return Math.round(Py.toDouble(v) * f) / f;
            }
            case "replace":
                return Py.str(v).replace(Py.str(a.get(0)), Py.str(a.get(1)));
            case "indent": {
                int width = a.isEmpty() ? 4 : ((Long) a.get(0)).intValue();
                boolean first = a.size() > 1 ? Py.truthy(a.get(1)) : Py.truthy(kw.get("first"));
                String pad = " ".repeat(width);
                String s = Py.str(v).replace("\n", "\n" + pad);
                return first ? pad + s : s;
            }
            case "map": {
                List<Object> out = new ArrayList<>();
                for (Object item : Py.iterate(v, line)) {
                    out.add(kw.containsKey("attribute") ? Methods.attribute(item, Py.str(kw.get("attribute")), line)
                            : filter(Py.str(a.get(0)), item, a.subList(1, a.size()), Map.of(), line));
                }
                return out;
            }
            case "selectattr":
            case "rejectattr": {
                boolean select = name.equals("selectattr");
                List<Object> out = new ArrayList<>();
                for (Object item : Py.iterate(v, line)) {
                    Object attr = Methods.attributeOrUndefined(item, Py.str(a.get(0)));
                    boolean ok = a.size() > 1 ? test(Py.str(a.get(1)), attr, a.subList(2, a.size()), line) : Py.truthy(attr);
                    if (ok == select) {
                        out.add(item);
                    }
                }
                return out;
            }
            case "select":
            case "reject": {
                boolean select = name.equals("select");
                List<Object> out = new ArrayList<>();
                for (Object item : Py.iterate(v, line)) {
                    boolean ok = a.isEmpty() ? Py.truthy(item) : test(Py.str(a.get(0)), item, a.subList(1, a.size()), line);
                    if (ok == select) {
                        out.add(item);
                    }
                }
                return out;
            }
            case "unique": {
                List<Object> out = new ArrayList<>();
                for (Object item : Py.iterate(v, line)) {
                    if (out.stream().noneMatch(x -> Py.equal(x, item))) {
                        out.add(item);
                    }
                }
                return out;
            }
            case "sort": {
                List<Object> items = Py.iterate(v, line);
                items.sort((x, y) -> Py.compare(x, y, line));
                if (Py.truthy(kw.get("reverse"))) {
                    java.util.Collections.reverse(items);
                }
                return items;
            }
            case "wordcount":
                return (long) Methods.split(Py.str(v), null, -1).size();
            default:
                throw new TemplateException(line, "unknown filter '" + name + "'");
        }
    }

    private static long toInt(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d) {
            return (long) (double) d;
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        try {
            return Long.parseLong(Py.str(v).strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static boolean test(String name, Object v, List<Object> a, int line) {
        return switch (name) {
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "none" -> v == null;
            case "string" -> v instanceof String;
            case "number" -> Py.isNumber(v);
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "mapping" -> v instanceof Map;
            case "sequence" -> v instanceof List || v instanceof String;
            case "iterable" -> v instanceof List || v instanceof String || v instanceof Map;
            case "callable" -> v instanceof JinjaFunction;
            case "odd" -> v instanceof Long l && l % 2 != 0;
            case "even" -> v instanceof Long l && l % 2 == 0;
            case "divisibleby" -> v instanceof Long l && l % (Long) a.get(0) == 0;
            case "eq", "equalto", "==", "sameas" -> Py.equal(v, a.get(0));
            case "ne", "!=" -> !Py.equal(v, a.get(0));
            case "lt", "<" -> Py.compare(v, a.get(0), line) < 0;
            case "le", "<=" -> Py.compare(v, a.get(0), line) <= 0;
            case "gt", ">" -> Py.compare(v, a.get(0), line) > 0;
            case "ge", ">=" -> Py.compare(v, a.get(0), line) >= 0;
            case "in" -> Evaluator.contains(a.get(0), v, line);
            case "lower" -> v instanceof String s && s.equals(s.toLowerCase(Locale.ROOT));
            case "upper" -> v instanceof String s && s.equals(s.toUpperCase(Locale.ROOT));
            default -> throw new TemplateException(line, "unknown test '" + name + "'");
        };
    }

    static String title(String s) {
        StringBuilder sb = new StringBuilder();
        boolean start = true;
        for (char c : s.toCharArray()) {
            sb.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = !Character.isLetterOrDigit(c);
        }
        return sb.toString();
    }

    /** strftime for the directives templates use (%d %b %Y %m %B %H %M %S %y %a %A %j %p). */
    static String strftime(String fmt) {
        LocalDateTime now = LocalDateTime.now();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 == fmt.length()) {
                sb.append(c);
                continue;
            }
            char d = fmt.charAt(++i);
            String p = switch (d) {
                case 'd' -> "dd";
                case 'm' -> "MM";
                case 'Y' -> "yyyy";
                case 'y' -> "yy";
                case 'b' -> "MMM";
                case 'B' -> "MMMM";
                case 'H' -> "HH";
                case 'M' -> "mm";
                case 'S' -> "ss";
                case 'a' -> "EEE";
                case 'A' -> "EEEE";
                case 'j' -> "DDD";
                case 'p' -> "a";
                default -> null;
            };
            sb.append(p == null ? "%" + d : now.format(DateTimeFormatter.ofPattern(p, Locale.ENGLISH)));
        }
        return sb.toString();
    }
}
