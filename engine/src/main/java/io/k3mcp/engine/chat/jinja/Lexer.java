package io.k3mcp.engine.chat.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into text, output ({{ }}) and statement ({% %}) pieces, applying whitespace
 * control the way Hugging Face renders chat templates: '-' strips whitespace on that side,
 * trim_blocks drops the first newline after a block or comment tag, and lstrip_blocks drops the
 * spaces and tabs before a block or comment tag at the start of a line. Comments vanish.
 */
final class Lexer {
    enum Kind { TEXT, OUTPUT, STATEMENT }

    record Piece(Kind kind, String source, int line) {
    }

    private Lexer() {
    }

    static List<Piece> split(String src) {
        List<Piece> out = new ArrayList<>();
        int pos = 0;
        boolean stripNextLeading = false;
        boolean trimNextNewline = false;
        while (pos < src.length()) {
            int open = nextOpen(src, pos);
            String text = src.substring(pos, open < 0 ? src.length() : open);
            if (trimNextNewline && text.startsWith("\n")) {
                text = text.substring(1);
            } else if (trimNextNewline && text.startsWith("\r\n")) {
                text = text.substring(2);
            }
            if (stripNextLeading) {
                text = text.stripLeading();
            }
            if (open < 0) {
                addText(out, text, lineOf(src, pos));
                break;
            }
            int tagLine = lineOf(src, open);
            char type = src.charAt(open + 1);
            boolean minusLeft = open + 2 < src.length() && src.charAt(open + 2) == '-';
            boolean plusLeft = open + 2 < src.length() && src.charAt(open + 2) == '+';
            String closer = type == '{' ? "}}" : type == '%' ? "%}" : "#}";
            int innerStart = open + 2 + (minusLeft || plusLeft ? 1 : 0);
            int close = findClose(src, innerStart, closer, type);
            if (close < 0) {
                throw new TemplateException(tagLine, "unclosed '{" + type + "'");
            }
            boolean minusRight = close > innerStart && src.charAt(close - 1) == '-';
            if (minusLeft) {
                text = stripTrailing(text);
            } else if (type != '{' && !plusLeft && onlyIndentBefore(src, open)) {
                text = stripIndent(text);
            }
            addText(out, text, lineOf(src, pos));
            String inner = src.substring(innerStart, minusRight ? close - 1 : close).strip();
            pos = close + 2;
            if (type == '{') {
                out.add(new Piece(Kind.OUTPUT, inner, tagLine));
            } else if (type == '%' && inner.equals("raw")) {
                int end = findRawEnd(src, pos);
                if (end < 0) {
                    throw new TemplateException(tagLine, "{% raw %} without {% endraw %}");
                }
                int endTagStart = src.lastIndexOf("{%", end - 1);
                String raw = src.substring(pos, endTagStart);
                addText(out, src.charAt(endTagStart + 2) == '-' ? stripTrailing(raw) : raw, tagLine);
                pos = end;
                minusRight = src.charAt(end - 3) == '-';
            } else if (type == '%') {
                out.add(new Piece(Kind.STATEMENT, inner, tagLine));
            }
            stripNextLeading = minusRight;
            trimNextNewline = !minusRight && type != '{';
        }
        return out;
    }

    /** lstrip_blocks applies when only spaces and tabs stand between the line start and the tag. */
    private static boolean onlyIndentBefore(String src, int open) {
        int j = open;
        while (j > 0 && (src.charAt(j - 1) == ' ' || src.charAt(j - 1) == '\t')) {
            j--;
        }
        return j == 0 || src.charAt(j - 1) == '\n';
    }

    private static String stripIndent(String s) {
        int k = s.length();
        while (k > 0 && (s.charAt(k - 1) == ' ' || s.charAt(k - 1) == '\t')) {
            k--;
        }
        return s.substring(0, k);
    }

    private static int lineOf(String src, int pos) {
        return 1 + count(src.substring(0, Math.min(pos, src.length())), '\n');
    }

    private static void addText(List<Piece> out, String text, int line) {
        if (!text.isEmpty()) {
            out.add(new Piece(Kind.TEXT, text, line));
        }
    }

    private static int nextOpen(String src, int from) {
        int i = from;
        while ((i = src.indexOf('{', i)) >= 0 && i + 1 < src.length()) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
            i++;
        }
        return -1;
    }

    /** The index of the closing delimiter, skipping string literals inside expressions. */
    private static int findClose(String src, int from, String closer, char type) {
        if (type == '#') {
            return src.indexOf(closer, from);
        }
        char quote = 0;
        for (int i = from; i < src.length() - 1; i++) {
            char c = src.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == closer.charAt(0) && src.charAt(i + 1) == closer.charAt(1)) {
                return i;
            }
        }
        return -1;
    }

    /** Position just after the {% endraw %} tag. */
    private static int findRawEnd(String src, int from) {
        int i = from;
        while ((i = src.indexOf("{%", i)) >= 0) {
            int close = src.indexOf("%}", i);
            if (close < 0) {
                return -1;
            }
            String inner = src.substring(i + 2, close).replace("-", "").strip();
            if (inner.equals("endraw")) {
                return close + 2;
            }
            i = close;
        }
        return -1;
    }

    private static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }
}
