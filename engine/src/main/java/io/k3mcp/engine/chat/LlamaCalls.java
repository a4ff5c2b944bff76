package io.k3mcp.engine.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Llama 3.x tool calls: JSON objects {@code {"name": ..., "parameters": ...}} separated by ';', either
 * after {@code <|python_tag|>} or as the whole reply, and built-in tool calls written as
 * {@code <|python_tag|>brave_search.call(query="...")}.
 */
final class LlamaCalls {
    static final String PYTHON_TAG = "<|python_tag|>";
    private static final Pattern BUILTIN = Pattern.compile("([A-Za-z_]\\w*)\\.call\\((.*)\\)", Pattern.DOTALL);
    private static final Pattern KWARG = Pattern.compile("\\s*(\\w+)\\s*=\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|[^,]*)\\s*(,|$)");

    private LlamaCalls() {
    }

    /** Adds the calls in {@code text} to {@code calls}; returns the content left over. */
    static String parse(String text, boolean toolsOffered, List<ToolCall> calls) {
        int tag = text.indexOf(PYTHON_TAG);
        if (tag >= 0) {
            String body = text.substring(tag + PYTHON_TAG.length()).strip();
            if (body.startsWith("{")) {
                jsonCalls(body, calls);
            } else {
                builtinCall(body, calls);
            }
            return text.substring(0, tag);
        }
        String body = text.strip();
        if (!toolsOffered || !body.startsWith("{") || !looksLikeCall(body)) {
            return text;
        }
        jsonCalls(body, calls);
        return "";
    }

    /** Whether the reply's first object names a function (a plain JSON answer does not). */
    private static boolean looksLikeCall(String body) {
        int end = objectEnd(body, 0);
        String first = end < 0 ? body : body.substring(0, end);
        if (end < 0) {
            return first.replaceAll("\\s", "").startsWith("{\"name\":");
        }
        try {
            JsonNode n = ReplyParser.MAPPER.readTree(first);
            return n.path("name").isTextual() && (n.has("parameters") || n.has("arguments"));
        } catch (IOException e) {
            return first.replaceAll("\\s", "").startsWith("{\"name\":");
        }
    }

    private static void jsonCalls(String body, List<ToolCall> calls) {
        int at = 0;
        while (at < body.length()) {
            int end = objectEnd(body, at);
            if (end < 0) {
                calls.add(ToolCall.malformed("unterminated JSON call", body.substring(at)));
                return;
            }
            calls.add(ReplyParser.callObject(body.substring(at, end)));
            at = skipSpace(body, end);
            if (at < body.length() && body.charAt(at) == ';') {
                at = skipSpace(body, at + 1);
            } else if (at < body.length()) {
                calls.add(ToolCall.malformed("text after the calls (separate calls with ';')", body.substring(at)));
                return;
            }
        }
    }

    private static void builtinCall(String body, List<ToolCall> calls) {
        Matcher m = BUILTIN.matcher(body);
        if (!m.matches()) {
            calls.add(ToolCall.malformed("after <|python_tag|>: neither a JSON call nor name.call(...)", body));
            return;
        }
        ObjectNode args = ReplyParser.MAPPER.createObjectNode();
        String list = m.group(2).strip();
        Matcher kw = KWARG.matcher(list);
        int at = 0;
        while (at < list.length()) {
            if (!kw.find(at) || kw.start() != at) {
                calls.add(ToolCall.malformed("cannot read the arguments of " + m.group(1) + ".call(...)", body));
                return;
            }
            args.set(kw.group(1), value(kw.group(2).strip()));
            at = kw.end();
        }
        calls.add(ToolCall.of(m.group(1), args));
    }

    private static JsonNode value(String v) {
        if (v.startsWith("'") && v.endsWith("'") && v.length() >= 2) {
            v = "\"" + v.substring(1, v.length() - 1).replace("\"", "\\\"") + "\"";
        }
        try {
            return ReplyParser.MAPPER.readTree(v);
        } catch (IOException e) {
            return ReplyParser.MAPPER.getNodeFactory().textNode(v); // a bare word, e.g. a Python name
        }
    }

    /** The index just past the JSON object starting at {@code from}, or -1 when it never closes. */
    static int objectEnd(String s, int from) {
        int depth = 0;
        boolean inString = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
