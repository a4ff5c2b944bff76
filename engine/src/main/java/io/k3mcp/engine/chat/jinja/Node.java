package io.k3mcp.engine.chat.jinja;

import java.util.List;

/** The template syntax tree: statements (S*) and expressions (E*). */
interface Node {
    int line();

    // ---- statements ----
    record SText(int line, String text) implements Node { }
    record SOutput(int line, Node expr) implements Node { }
    record SIf(int line, List<Node> conditions, List<List<Node>> bodies, List<Node> orElse) implements Node { }
    record SFor(int line, List<String> targets, Node iterable, Node filter, List<Node> body, List<Node> orElse) implements Node { }
    record SSet(int line, Node target, Node value, List<Node> body) implements Node { }
    record SMacro(int line, String name, List<String> params, List<Node> defaults, List<Node> body) implements Node { }
    record SCallBlock(int line, Node call, List<Node> body) implements Node { }
    record SFilterBlock(int line, String filter, List<Node> args, List<Node> body) implements Node { }
    record SBreak(int line) implements Node { }
    record SContinue(int line) implements Node { }
    record SBlock(int line, List<Node> body) implements Node { }

    // ---- expressions ----
    record ELiteral(int line, Object value) implements Node { }
    record EName(int line, String name) implements Node { }
    record EList(int line, List<Node> items) implements Node { }
    record ETuple(int line, List<Node> items) implements Node { }
    record EDict(int line, List<Node> keys, List<Node> values) implements Node { }
    record EAttr(int line, Node target, String name) implements Node { }
    record EItem(int line, Node target, Node index) implements Node { }
    record ESlice(int line, Node target, Node start, Node stop, Node step) implements Node { }
    record ECall(int line, Node callee, List<Node> args, List<String> kwNames, List<Node> kwValues) implements Node { }
    record EFilter(int line, Node target, String name, List<Node> args, List<String> kwNames, List<Node> kwValues) implements Node { }
    record ETest(int line, Node target, String name, List<Node> args, boolean negated) implements Node { }
    record EUnary(int line, String op, Node operand) implements Node { }
    record EBinary(int line, String op, Node left, Node right) implements Node { }
    record ECondition(int line, Node condition, Node whenTrue, Node whenFalse) implements Node { }
}
