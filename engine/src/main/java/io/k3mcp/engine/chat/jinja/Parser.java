package io.k3mcp.engine.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Builds the syntax tree from lexer pieces; statements nest until their end tags. */
final class Parser {
    private final List<Lexer.Piece> pieces;
    private int next;
    /** Lines of the block statements being parsed, innermost last: an unclosed block names where it opened. */
    private final java.util.ArrayDeque<Integer> openLines = new java.util.ArrayDeque<>();
    private int lastEndLine;

    private Parser(List<Lexer.Piece> pieces) {
        this.pieces = pieces;
    }

    static List<Node> parse(String template) {
        Parser p = new Parser(Lexer.split(template));
        List<Node> body = new ArrayList<>();
        String end = p.parseBody(body, Set.of());
        if (end != null) {
            throw new TemplateException(p.lastEndLine, "unexpected {% " + end + " %}");
        }
        return body;
    }

    /** Parses nodes into {@code body} until a statement whose keyword is in {@code ends}; returns that statement's source. */
    private String parseBody(List<Node> body, Set<String> ends) {
        while (next < pieces.size()) {
            Lexer.Piece piece = pieces.get(next++);
            switch (piece.kind()) {
                case TEXT -> body.add(new Node.SText(piece.line(), piece.source()));
                case OUTPUT -> body.add(new Node.SOutput(piece.line(), new ExprParser(piece.source(), piece.line()).parseAll()));
                case STATEMENT -> {
                    String kw = keyword(piece.source());
                    if (ends.contains(kw) || (ends.isEmpty() && kw.startsWith("end"))) {
                        lastEndLine = piece.line();
                        return piece.source();
                    }
                    openLines.addLast(piece.line());
                    try {
                        body.add(statement(piece, kw));
                    } finally {
                        openLines.removeLast();
                    }
                }
            }
        }
        if (!ends.isEmpty()) {
            throw new TemplateException(openLines.isEmpty() ? 0 : openLines.peekLast(),
                    "this block is never closed: missing one of " + ends + " before the end of the template");
        }
        return null;
    }

    private static String keyword(String src) {
        int i = 0;
        while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) {
            i++;
        }
        return src.substring(0, i);
    }

    private Node statement(Lexer.Piece piece, String kw) {
        int line = piece.line();
        ExprParser e = new ExprParser(piece.source(), line);
        e.expectName(kw);
        switch (kw) {
            case "if" -> {
                List<Node> conds = new ArrayList<>();
                List<List<Node>> bodies = new ArrayList<>();
                conds.add(e.parseAll());
                List<Node> orElse = null;
                while (true) {
                    List<Node> body = new ArrayList<>();
                    String end = parseBody(body, Set.of("elif", "else", "endif"));
                    if (orElse != null) {
                        orElse.addAll(body);
                    } else {
                        bodies.add(body);
                    }
                    String endKw = keyword(end);
                    if (endKw.equals("endif")) {
                        return new Node.SIf(line, conds, bodies, orElse == null ? List.of() : orElse);
                    } else if (endKw.equals("elif")) {
                        ExprParser c = new ExprParser(end, line);
                        c.expectName("elif");
                        conds.add(c.parseAll());
                    } else {
                        orElse = new ArrayList<>();
                    }
                }
            }
            case "for" -> {
                List<String> targets = new ArrayList<>();
                do {
                    targets.add(e.name());
                } while (e.accept(","));
                e.expectName("in");
                Node iterable = e.parseNoCondition();
                Node filter = e.acceptName("if") ? e.parseExpr() : null;
                e.acceptName("recursive");
                e.end();
                List<Node> body = new ArrayList<>();
                String end = parseBody(body, Set.of("else", "endfor"));
                List<Node> orElse = new ArrayList<>();
                if (keyword(end).equals("else")) {
                    parseBody(orElse, Set.of("endfor"));
                }
                return new Node.SFor(line, targets, iterable, filter, body, orElse);
            }
            case "set" -> {
                Node target = e.parsePrimaryWithAttrs();
                if (e.accept("=")) {
                    Node value = e.parseTupleOrExpr();
                    e.end();
                    return new Node.SSet(line, target, value, null);
                }
                e.end();
                List<Node> body = new ArrayList<>();
                parseBody(body, Set.of("endset"));
                return new Node.SSet(line, target, null, body);
            }
            case "macro" -> {
                String name = e.name();
                List<String> params = new ArrayList<>();
                List<Node> defaults = new ArrayList<>();
                e.expect("(");
                if (!e.accept(")")) {
                    do {
                        params.add(e.name());
                        defaults.add(e.accept("=") ? e.parseExpr() : null);
                    } while (e.accept(","));
                    e.expect(")");
                }
                e.end();
                List<Node> body = new ArrayList<>();
                parseBody(body, Set.of("endmacro"));
                return new Node.SMacro(line, name, params, defaults, body);
            }
            case "call" -> {
                Node call = e.parseAll();
                List<Node> body = new ArrayList<>();
                parseBody(body, Set.of("endcall"));
                return new Node.SCallBlock(line, call, body);
            }
            case "filter" -> {
                String name = e.name();
                List<Node> args = new ArrayList<>();
                if (e.accept("(")) {
                    if (!e.accept(")")) {
                        do {
                            args.add(e.parseExpr());
                        } while (e.accept(","));
                        e.expect(")");
                    }
                }
                e.end();
                List<Node> body = new ArrayList<>();
                parseBody(body, Set.of("endfilter"));
                return new Node.SFilterBlock(line, name, args, body);
            }
            case "generation" -> {
                // Hugging Face's AssistantTracker block: renders its body unchanged.
                e.end();
                List<Node> body = new ArrayList<>();
                parseBody(body, Set.of("endgeneration"));
                return new Node.SBlock(line, body);
            }
            case "break" -> {
                e.end();
                return new Node.SBreak(line);
            }
            case "continue" -> {
                e.end();
                return new Node.SContinue(line);
            }
            default -> throw new TemplateException(line, "unknown statement '" + kw + "'");
        }
    }
}
