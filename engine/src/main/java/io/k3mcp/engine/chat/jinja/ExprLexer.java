package io.k3mcp.engine.chat.jinja;

import java.util.ArrayList;
import java.util.List;

/** Tokens of the expression language inside {{ }} and {% %}. */
final class ExprLexer {
    enum T { NAME, STRING, INT, FLOAT, OP, END }

    record Tok(T type, String text) {
        /** Whether this token can begin an operand (a literal or a name that is not an operator keyword). */
        boolean startsPrimary() {
            if (type == T.STRING || type == T.INT || type == T.FLOAT) {
                return true;
            }
            return type == T.NAME && !java.util.Set.of("and", "or", "if", "else", "in", "not", "is").contains(text);
        }

        boolean is(String s) {
            return (type == T.OP || type == T.NAME) && text.equals(s);
        }
    }

    private static final String[] OPS = {"**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">",
        "(", ")", "[", "]", "{", "}", ".", ",", ":", "|", "="};

    private ExprLexer() {
    }

    static List<Tok> lex(String s, int line) {
        List<Tok> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                out.add(new Tok(T.NAME, s.substring(i, j)));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                boolean isFloat = false;
                while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '_'
                        || (s.charAt(j) == '.' && !isFloat && j + 1 < s.length() && Character.isDigit(s.charAt(j + 1)))
                        || ((s.charAt(j) == 'e' || s.charAt(j) == 'E') && j + 1 < s.length()))) {
                    if (s.charAt(j) == '.' || s.charAt(j) == 'e' || s.charAt(j) == 'E') {
                        isFloat = true;
                        if ((s.charAt(j) == 'e' || s.charAt(j) == 'E') && (s.charAt(j + 1) == '-' || s.charAt(j + 1) == '+')) {
                            j++;
                        }
                    }
                    j++;
                }
                out.add(new Tok(isFloat ? T.FLOAT : T.INT, s.substring(i, j).replace("_", "")));
                i = j;
            } else if (c == '\'' || c == '"') {
                StringBuilder sb = new StringBuilder();
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c) {
                    char d = s.charAt(j);
                    if (d == '\\' && j + 1 < s.length()) {
                        j++;
                        char e = s.charAt(j);
                        switch (e) {
                            case 'n' -> sb.append('\n');
                            case 't' -> sb.append('\t');
                            case 'r' -> sb.append('\r');
                            case '\\' -> sb.append('\\');
                            case '\'' -> sb.append('\'');
                            case '"' -> sb.append('"');
                            case 'u' -> {
                                if (j + 4 >= s.length()) {
                                    throw new TemplateException(line, "bad \\u escape in string literal");
                                }
                                sb.append((char) Integer.parseInt(s.substring(j + 1, j + 5), 16));
                                j += 4;
                            }
                            default -> sb.append('\\').append(e);
                        }
                    } else {
                        sb.append(d);
                    }
                    j++;
                }
                if (j >= s.length()) {
                    throw new TemplateException(line, "unterminated string literal");
                }
                out.add(new Tok(T.STRING, sb.toString()));
                i = j + 1;
            } else {
                String op = null;
                for (String o : OPS) {
                    if (s.startsWith(o, i)) {
                        op = o;
                        break;
                    }
                }
                if (op == null) {
                    throw new TemplateException(line, "unexpected character '" + c + "' in expression: " + s);
                }
                out.add(new Tok(T.OP, op));
                i += op.length();
            }
        }
        out.add(new Tok(T.END, ""));
        return out;
    }
}
