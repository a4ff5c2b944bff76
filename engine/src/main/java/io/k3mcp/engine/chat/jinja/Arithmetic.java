package io.k3mcp.engine.chat.jinja;

import java.util.ArrayList;
import java.util.List;

/** + - * / // % ** with Python's rules for int, float, str and list operands. */
final class Arithmetic {
    private Arithmetic() {
    }

    static Object apply(String op, Object a, Object b, int line) {
        if (op.equals("+")) {
            if (a instanceof String x && b instanceof String y) {
                return x + y;
            }
            if (a instanceof List<?> x && b instanceof List<?> y) {
                List<Object> out = new ArrayList<>(x);
                out.addAll(y);
                return out;
            }
        }
        if (op.equals("*")) {
            if (a instanceof String s && b instanceof Long n) {
                return s.repeat((int) Math.max(0, n));
            }
            if (a instanceof Long n && b instanceof String s) {
                return s.repeat((int) Math.max(0, n));
            }
        }
        if (op.equals("%") && a instanceof String fmt) {
            return Methods.percentFormat(fmt, b, line);
        }
        if (!Py.isNumber(a) || !Py.isNumber(b)) {
            throw new TemplateException(line, "unsupported operand types for " + op + ": " + Py.typeName(a) + " and " + Py.typeName(b));
        }
        boolean ints = a instanceof Long && b instanceof Long;
        switch (op) {
            case "+" -> {
                return ints ? (Object) ((Long) a + (Long) b) : Py.toDouble(a) + Py.toDouble(b);
            }
            case "-" -> {
                return ints ? (Object) ((Long) a - (Long) b) : Py.toDouble(a) - Py.toDouble(b);
            }
            case "*" -> {
                return ints ? (Object) ((Long) a * (Long) b) : Py.toDouble(a) * Py.toDouble(b);
            }
            case "/" -> {
                if (Py.toDouble(b) == 0) {
                    throw new TemplateException(line, "division by zero");
                }
                return Py.toDouble(a) / Py.toDouble(b);
            }
            case "//" -> {
                if (Py.toDouble(b) == 0) {
                    throw new TemplateException(line, "division by zero");
                }
                return ints ? (Object) Math.floorDiv((Long) a, (Long) b) : Math.floor(Py.toDouble(a) / Py.toDouble(b));
            }
            case "%" -> {
                if (Py.toDouble(b) == 0) {
                    throw new TemplateException(line, "modulo by zero");
                }
                if (ints) {
                    return Math.floorMod((Long) a, (Long) b);
                }
                double x = Py.toDouble(a);
                double y = Py.toDouble(b);
                return x - Math.floor(x / y) * y;
            }
            case "**" -> {
                double r = Math.pow(Py.toDouble(a), Py.toDouble(b));
                return ints && (Long) b >= 0 ? (Object) (long) r : r;
            }
            default -> throw new TemplateException(line, "unknown operator " + op);
        }
    }
}
