package io.k3mcp.engine.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigInteger;
import java.util.List;

/**
 * Gemma 4's tool calls, {@code <|tool_call>call:NAME{key:value,...}<tool_call|>}, as its chat template
 * writes them (format_argument with escape_keys off; tests: chat/templates/gemma4.jinja): keys bare, strings between {@code <|"|>} quote tokens (so commas, braces and quotes inside
 * them are plain text), numbers, {@code true}/{@code false}/{@code null}, nested {@code {...}} and
 * {@code [...]}. A bare word that is none of these is read as a string, as Gemma sometimes writes one.
 */
final class GemmaCalls {
    static final String OPEN = "<|tool_call>";
    static final String CLOSE = "<tool_call|>";
    private static final String QUOTE = "<|\"|>";
    private static final String CALL = "call:";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private GemmaCalls() {
    }

    /** Takes every call out of {@code text} into {@code calls}; returns the text around them. */
    static String parse(String text, List<ToolCall> calls) {
        StringBuilder content = new StringBuilder();
        int from = 0;
        while (true) {
            int open = text.indexOf(OPEN, from);
            if (open < 0) {
                return content.append(text, from, text.length()).toString();
            }
            content.append(text, from, open);
            int bodyStart = open + OPEN.length();
            int close = text.indexOf(CLOSE, bodyStart);
            String body = (close < 0 ? text.substring(bodyStart) : text.substring(bodyStart, close)).strip();
            ToolCall c = call(body);
            calls.add(close >= 0 || !c.ok() ? c : ToolCall.malformed("unterminated " + OPEN + " (no " + CLOSE + ")", body));
            if (close < 0) {
                return content.toString();
            }
            from = close + CLOSE.length();
        }
    }

    static ToolCall call(String body) {
        if (!body.startsWith(CALL)) {
            return ToolCall.malformed("a Gemma tool call starts with 'call:NAME{', got '" + ReplyParser.firstLine(body) + "'", body);
        }
        int brace = body.indexOf('{');
        String name = (brace < 0 ? body.substring(CALL.length()) : body.substring(CALL.length(), brace)).strip();
        if (name.isEmpty() || brace < 0) {
            return ToolCall.malformed(name.isEmpty() ? "the call has no function name" : "the call to '" + name
                    + "' has no '{' arguments", body);
        }
        try {
            Reader r = new Reader(body, brace);
            JsonNode args = r.value();
            r.skipSpace();
            if (r.at < body.length()) {
                throw r.error("text after the arguments");
            }
            return ToolCall.of(name, args);
        } catch (IllegalArgumentException e) {
            return ToolCall.malformed(e.getMessage(), body);
        }
    }

    /** A recursive-descent reader of one value of Gemma's argument syntax. */
    private static final class Reader {
        final String s;
        int at;

        Reader(String s, int at) {
            this.s = s;
            this.at = at;
        }

        JsonNode value() {
            skipSpace();
            if (s.startsWith(QUOTE, at)) {
                int end = s.indexOf(QUOTE, at + QUOTE.length());
                if (end < 0) {
                    throw error("a string opened with " + QUOTE + " is not closed");
                }
                String v = s.substring(at + QUOTE.length(), end);
                at = end + QUOTE.length();
                return NODES.textNode(v);
            }
            if (at < s.length() && s.charAt(at) == '{') {
                return object();
            }
            if (at < s.length() && s.charAt(at) == '[') {
                return array();
            }
            return bare();
        }

        private ObjectNode object() {
            ObjectNode o = NODES.objectNode();
            at++;
            skipSpace();
            if (peek('}')) {
                at++;
                return o;
            }
            while (true) {
                skipSpace();
                String key = s.startsWith(QUOTE, at) ? value().asText() : word(":");
                skipSpace();
                if (!peek(':')) {
                    throw error("expected ':' after the key '" + key + "'");
                }
                at++;
                o.set(key, value());
                skipSpace();
                if (peek(',')) {
                    at++;
                } else if (peek('}')) {
                    at++;
                    return o;
                } else {
                    throw error("expected ',' or '}' in an object");
                }
            }
        }

        private ArrayNode array() {
            ArrayNode a = NODES.arrayNode();
            at++;
            skipSpace();
            if (peek(']')) {
                at++;
                return a;
            }
            while (true) {
                a.add(value());
                skipSpace();
                if (peek(',')) {
                    at++;
                } else if (peek(']')) {
                    at++;
                    return a;
                } else {
                    throw error("expected ',' or ']' in a list");
                }
            }
        }

        /** A number, true/false/null, or else a bare word taken as a string. */
        private JsonNode bare() {
            String w = word(",}]").strip();
            if (w.isEmpty()) {
                throw error("a value is missing");
            }
            switch (w) {
                case "true":
                    return NODES.booleanNode(true);
                case "false":
                    return NODES.booleanNode(false);
                case "null":
                    return NODES.nullNode();
                default:
                    break;
            }
            if (w.matches("-?\\d+")) {
                // the narrowest node, as a JSON reader makes it (int, long, big)
                BigInteger v = new BigInteger(w);
                return v.bitLength() < 32 ? NODES.numberNode(v.intValue())
                        : v.bitLength() < 64 ? NODES.numberNode(v.longValue()) : NODES.numberNode(v);
            }
            if (w.matches("-?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
                return NODES.numberNode(Double.parseDouble(w)); // as JSON readers give a JSON number with a fraction
            }
            return NODES.textNode(w);
        }

        private String word(String stops) {
            int start = at;
            while (at < s.length() && stops.indexOf(s.charAt(at)) < 0 && !s.startsWith(QUOTE, at)) {
                at++;
            }
            return s.substring(start, at).strip();
        }

        private boolean peek(char c) {
            return at < s.length() && s.charAt(at) == c;
        }

        void skipSpace() {
            while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
                at++;
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("Gemma call arguments: " + what + " at offset " + at);
        }
    }
}
