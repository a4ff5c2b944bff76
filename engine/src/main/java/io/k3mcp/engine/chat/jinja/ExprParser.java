package io.k3mcp.engine.chat.jinja;

import io.k3mcp.engine.chat.jinja.ExprLexer.T;
import io.k3mcp.engine.chat.jinja.ExprLexer.Tok;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Recursive-descent expression parser over one tag's tokens, with Jinja's precedence. */
final class ExprParser {
    private final List<Tok> toks;
    private final int line;
    private int i;

    ExprParser(String src, int line) {
        this.toks = ExprLexer.lex(src, line);
        this.line = line;
    }

    private Tok peek() {
        return toks.get(i);
    }

    boolean accept(String op) {
        if (peek().type() == T.OP && peek().text().equals(op)) {
            i++;
            return true;
        }
        return false;
    }

    boolean acceptName(String name) {
        if (peek().type() == T.NAME && peek().text().equals(name)) {
            i++;
            return true;
        }
        return false;
    }

    void expect(String op) {
        if (!accept(op)) {
            throw error("expected '" + op + "'");
        }
    }

    void expectName(String name) {
        if (!acceptName(name)) {
            throw error("expected '" + name + "'");
        }
    }

    String name() {
        Tok t = peek();
        if (t.type() != T.NAME) {
            throw error("expected a name");
        }
        i++;
        return t.text();
    }

    void end() {
        if (peek().type() != T.END) {
            throw error("unexpected '" + peek().text() + "'");
        }
    }

    private TemplateException error(String what) {
        return new TemplateException(line, what + " at '" + peek().text() + "'");
    }

    Node parseAll() {
        Node n = parseTupleOrExpr();
        end();
        return n;
    }

    Node parseTupleOrExpr() {
        Node first = parseExpr();
        if (peek().is(",")) {
            List<Node> items = new ArrayList<>(List.of(first));
            while (accept(",")) {
                if (peek().type() == T.END) {
                    break;
                }
                items.add(parseExpr());
            }
            return new Node.ETuple(line, items);
        }
        return first;
    }

    /** A full expression including the inline {@code a if cond else b}. */
    Node parseExpr() {
        Node value = parseOr();
        if (acceptName("if")) {
            Node cond = parseOr();
            Node otherwise = acceptName("else") ? parseExpr() : null;
            return new Node.ECondition(line, cond, value, otherwise);
        }
        return value;
    }

    /** An expression without a trailing inline if (the iterable of a for loop, whose 'if' filters). */
    Node parseNoCondition() {
        return parseOr();
    }

    private Node parseOr() {
        Node left = parseAnd();
        while (acceptName("or")) {
            left = new Node.EBinary(line, "or", left, parseAnd());
        }
        return left;
    }

    private Node parseAnd() {
        Node left = parseNot();
        while (acceptName("and")) {
            left = new Node.EBinary(line, "and", left, parseNot());
        }
        return left;
    }

    private Node parseNot() {
        if (acceptName("not")) {
            return new Node.EUnary(line, "not", parseNot());
        }
        return parseCompare();
    }

    private Node parseCompare() {
        Node left = parseMath1();
        while (true) {
            Tok t = peek();
            if (t.type() == T.OP && Set.of("==", "!=", "<", ">", "<=", ">=").contains(t.text())) {
                i++;
                left = new Node.EBinary(line, t.text(), left, parseMath1());
            } else if (acceptName("in")) {
                left = new Node.EBinary(line, "in", left, parseMath1());
            } else if (t.is("not") && toks.get(i + 1).is("in")) {
                i += 2;
                left = new Node.EBinary(line, "not in", left, parseMath1());
            } else {
                return left;
            }
        }
    }

    private Node parseMath1() {
        Node left = parseConcat();
        while (peek().is("+") || peek().is("-")) {
            String op = toks.get(i++).text();
            left = new Node.EBinary(line, op, left, parseConcat());
        }
        return left;
    }

    private Node parseConcat() {
        Node left = parseMath2();
        while (accept("~")) {
            left = new Node.EBinary(line, "~", left, parseMath2());
        }
        return left;
    }

    private Node parseMath2() {
        Node left = parsePow();
        while (peek().is("*") || peek().is("/") || peek().is("//") || peek().is("%")) {
            String op = toks.get(i++).text();
            left = new Node.EBinary(line, op, left, parsePow());
        }
        return left;
    }

    private Node parsePow() {
        Node left = parseUnary();
        while (accept("**")) {
            left = new Node.EBinary(line, "**", left, parseUnary());
        }
        return left;
    }

    private Node parseUnary() {
        if (accept("-")) {
            return filters(new Node.EUnary(line, "-", parseUnaryNoFilter()));
        }
        if (accept("+")) {
            return filters(parseUnaryNoFilter());
        }
        return filters(postfix(primary()));
    }

    private Node parseUnaryNoFilter() {
        if (accept("-")) {
            return new Node.EUnary(line, "-", parseUnaryNoFilter());
        }
        return postfix(primary());
    }

    /** The target of a set: a name with optional .attr (namespace assignment) or a tuple of names. */
    Node parsePrimaryWithAttrs() {
        Node n = new Node.EName(line, name());
        if (peek().is(",")) {
            List<Node> items = new ArrayList<>(List.of(n));
            while (accept(",")) {
                items.add(new Node.EName(line, name()));
            }
            return new Node.ETuple(line, items);
        }
        while (accept(".")) {
            n = new Node.EAttr(line, n, name());
        }
        return n;
    }

    private Node primary() {
        Tok t = peek();
        i++;
        switch (t.type()) {
            case NAME -> {
                return switch (t.text()) {
                    case "true", "True" -> new Node.ELiteral(line, Boolean.TRUE);
                    case "false", "False" -> new Node.ELiteral(line, Boolean.FALSE);
                    case "none", "None" -> new Node.ELiteral(line, null);
                    default -> new Node.EName(line, t.text());
                };
            }
            case STRING -> {
                StringBuilder sb = new StringBuilder(t.text());
                while (peek().type() == T.STRING) {
                    sb.append(toks.get(i++).text());
                }
                return new Node.ELiteral(line, sb.toString());
            }
            case INT -> {
                return new Node.ELiteral(line, Long.parseLong(t.text()));
            }
            case FLOAT -> {
                return new Node.ELiteral(line, Double.parseDouble(t.text()));
            }
            case OP -> {
                if (t.text().equals("(")) {
                    if (accept(")")) {
                        return new Node.ETuple(line, List.of());
                    }
                    Node inner = parseExpr();
                    if (peek().is(",")) {
                        List<Node> items = new ArrayList<>(List.of(inner));
                        while (accept(",") && !peek().is(")")) {
                            items.add(parseExpr());
                        }
                        expect(")");
                        return new Node.ETuple(line, items);
                    }
                    expect(")");
                    return inner;
                }
                if (t.text().equals("[")) {
                    List<Node> items = new ArrayList<>();
                    while (!accept("]")) {
                        items.add(parseExpr());
                        if (!accept(",")) {
                            expect("]");
                            break;
                        }
                    }
                    return new Node.EList(line, items);
                }
                if (t.text().equals("{")) {
                    List<Node> keys = new ArrayList<>();
                    List<Node> values = new ArrayList<>();
                    while (!accept("}")) {
                        keys.add(parseExpr());
                        expect(":");
                        values.add(parseExpr());
                        if (!accept(",")) {
                            expect("}");
                            break;
                        }
                    }
                    return new Node.EDict(line, keys, values);
                }
                i--;
                throw error("unexpected operator");
            }
            default -> {
                i--;
                throw error("unexpected end of expression");
            }
        }
    }

    private Node postfix(Node n) {
        while (true) {
            if (accept(".")) {
                Tok t = peek();
                i++;
                if (t.type() == T.NAME) {
                    n = new Node.EAttr(line, n, t.text());
                } else if (t.type() == T.INT) {
                    n = new Node.EItem(line, n, new Node.ELiteral(line, Long.parseLong(t.text())));
                } else {
                    i--;
                    throw error("expected an attribute name");
                }
            } else if (accept("[")) {
                Node start = peek().is(":") ? null : parseExpr();
                if (accept(":")) {
                    Node stop = peek().is(":") || peek().is("]") ? null : parseExpr();
                    Node step = null;
                    if (accept(":")) {
                        step = peek().is("]") ? null : parseExpr();
                    }
                    expect("]");
                    n = new Node.ESlice(line, n, start, stop, step);
                } else {
                    expect("]");
                    n = new Node.EItem(line, n, start);
                }
            } else if (peek().is("(")) {
                i++;
                n = call(n);
            } else {
                return n;
            }
        }
    }

    private Node.ECall call(Node callee) {
        List<Node> args = new ArrayList<>();
        List<String> kwNames = new ArrayList<>();
        List<Node> kwValues = new ArrayList<>();
        while (!accept(")")) {
            if (peek().type() == T.NAME && toks.get(i + 1).is("=")) {
                kwNames.add(name());
                expect("=");
                kwValues.add(parseExpr());
            } else {
                args.add(parseExpr());
            }
            if (!accept(",")) {
                expect(")");
                break;
            }
        }
        return new Node.ECall(line, callee, args, kwNames, kwValues);
    }

    private Node filters(Node n) {
        while (true) {
            if (accept("|")) {
                String name = name();
                List<Node> args = List.of();
                List<String> kwNames = List.of();
                List<Node> kwValues = List.of();
                if (peek().is("(")) {
                    i++;
                    Node.ECall c = call(null);
                    args = c.args();
                    kwNames = c.kwNames();
                    kwValues = c.kwValues();
                }
                n = new Node.EFilter(line, n, name, args, kwNames, kwValues);
            } else if (peek().is("is")) {
                i++;
                boolean negated = acceptName("not");
                String name = peek().type() == T.NAME ? name() : testOperator();
                List<Node> args = new ArrayList<>();
                if (accept("(")) {
                    while (!accept(")")) {
                        args.add(parseExpr());
                        if (!accept(",")) {
                            expect(")");
                            break;
                        }
                    }
                } else if (peek().startsPrimary()) {
                    args.add(postfix(primary()));
                }
                n = new Node.ETest(line, n, name, args, negated);
            } else {
                return n;
            }
        }
    }

    private String testOperator() {
        Tok t = peek();
        if (t.type() == T.OP && Set.of("==", "!=", "<", ">", "<=", ">=").contains(t.text())) {
            i++;
            return t.text();
        }
        throw error("expected a test name");
    }
}
