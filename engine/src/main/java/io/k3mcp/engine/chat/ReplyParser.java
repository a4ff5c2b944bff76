package io.k3mcp.engine.chat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a generated reply into reasoning, tool calls and content. Understands:
 * <ul>
 *   <li>{@code <think>...</think>} (Qwen3, DeepSeek-R1 style; an opening tag the prompt already
 *       emitted may be missing) into reasoning;</li>
 *   <li>{@code <tool_call>{"name": ..., "arguments": ...}</tool_call>} blocks, any number (Qwen2.5,
 *       Qwen3, Hermes; also k3mcp's built-in formats);</li>
 *   <li>{@code [TOOL_CALLS][{"name": ..., "arguments": ...}, ...]} (Mistral);</li>
 *   <li>{@code <|tool_call>call:name{key:<|"|>text<|"|>,n:3}<tool_call|>} (Gemma 4, see {@link GemmaCalls});</li>
 *   <li>Llama 3.x JSON calls {@code {"name": ..., "parameters": ...}}, optionally after
 *       {@code <|python_tag|>}, several separated by ';', and built-in tool calls
 *       {@code <|python_tag|>name.call(key="value", ...)} (see {@link LlamaCalls}).</li>
 * </ul>
 * A reply that is plain JSON counts as Llama-style calls only when tools were offered and every object
 * in it names a function. Anything that looks like a call but does not parse is reported as a
 * malformed {@link ToolCall}, never dropped.
 */
public final class ReplyParser {
    /** Strict: text after a call's JSON object makes it malformed rather than silently ignored. */
    static final ObjectMapper MAPPER = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final String THINK_OPEN = "<think>";
    private static final String THINK_CLOSE = "</think>";
    private static final String CALL_OPEN = "<tool_call>";
    private static final String CALL_CLOSE = "</tool_call>";
    private static final String MISTRAL_CALLS = "[TOOL_CALLS]";

    private ReplyParser() {
    }

    /**
     * @param text        the generated text (special tokens such as {@code <|python_tag|>} included as text)
     * @param toolsOffered whether the prompt offered tools (enables bare-JSON Llama calls)
     */
    public static ParsedReply parse(String text, boolean toolsOffered) {
        String reasoning = null;
        String rest = text;
        int close = rest.indexOf(THINK_CLOSE);
        int open = rest.indexOf(THINK_OPEN);
        if (close >= 0 && (open < 0 || open < close)) {
            int start = open >= 0 ? open + THINK_OPEN.length() : 0;
            reasoning = rest.substring(start, close).strip();
            rest = (open >= 0 ? rest.substring(0, open) : "") + rest.substring(close + THINK_CLOSE.length());
        } else if (open >= 0 && close < 0) {
            reasoning = rest.substring(open + THINK_OPEN.length()).strip(); // cut off while thinking
            rest = rest.substring(0, open);
        }
        List<ToolCall> calls = new ArrayList<>();
        String content;
        if (rest.contains(GemmaCalls.OPEN)) {
            content = GemmaCalls.parse(rest, calls);
        } else if (rest.contains(CALL_OPEN)) {
            content = taggedCalls(rest, calls);
        } else if (rest.contains(MISTRAL_CALLS)) {
            int at = rest.indexOf(MISTRAL_CALLS);
            mistralCalls(rest.substring(at + MISTRAL_CALLS.length()).strip(), calls);
            content = rest.substring(0, at);
        } else {
            content = LlamaCalls.parse(rest, toolsOffered, calls);
        }
        return new ParsedReply(content.strip(), reasoning, calls);
    }

    /** Takes every {@code <tool_call>} block out of {@code text}; returns what is left. */
    private static String taggedCalls(String text, List<ToolCall> calls) {
        StringBuilder content = new StringBuilder();
        int from = 0;
        while (true) {
            int open = text.indexOf(CALL_OPEN, from);
            if (open < 0) {
                content.append(text, from, text.length());
                return content.toString();
            }
            content.append(text, from, open);
            int bodyStart = open + CALL_OPEN.length();
            int close = text.indexOf(CALL_CLOSE, bodyStart);
            if (close < 0) {
                String body = text.substring(bodyStart).strip();
                ToolCall c = callObject(body);
                calls.add(c.ok() ? c : ToolCall.malformed("unterminated <tool_call> (no </tool_call>): " + c.parseError(), body));
                return content.toString();
            }
            calls.add(callObject(text.substring(bodyStart, close).strip()));
            from = close + CALL_CLOSE.length();
        }
    }

    private static void mistralCalls(String json, List<ToolCall> calls) {
        JsonNode array;
        try {
            array = MAPPER.readTree(json);
        } catch (IOException e) {
            calls.add(ToolCall.malformed("[TOOL_CALLS] is not followed by a JSON array: " + firstLine(e.getMessage()), json));
            return;
        }
        if (array == null || !array.isArray()) {
            calls.add(ToolCall.malformed("[TOOL_CALLS] is not followed by a JSON array", json));
            return;
        }
        for (JsonNode c : array) {
            calls.add(fromObject(c, c.toString()));
        }
    }

    /** One call written as a JSON object {"name": ..., "arguments"|"parameters": ...}. */
    static ToolCall callObject(String body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            return ToolCall.malformed("not valid JSON: " + firstLine(e.getMessage()), body);
        }
        return fromObject(node, body);
    }

    static ToolCall fromObject(JsonNode node, String raw) {
        if (node == null || !node.isObject()) {
            return ToolCall.malformed("a tool call must be a JSON object", raw);
        }
        JsonNode name = node.get("name");
        if (name == null || !name.isTextual() || name.asText().isEmpty()) {
            return ToolCall.malformed("the call has no \"name\" string", raw);
        }
        JsonNode args = node.has("arguments") ? node.get("arguments") : node.get("parameters");
        if (args == null || args.isNull()) {
            args = MAPPER.createObjectNode();
        } else if (args.isTextual()) {
            // some models write the arguments as a JSON string, as the OpenAI API carries them
            try {
                args = MAPPER.readTree(args.asText());
            } catch (IOException e) {
                return ToolCall.malformed("\"arguments\" is a string that is not JSON: " + firstLine(e.getMessage()), raw);
            }
        }
        if (!(args instanceof ObjectNode)) {
            return ToolCall.malformed("\"arguments\" must be a JSON object, got " + args.getNodeType(), raw);
        }
        return ToolCall.of(name.asText(), args);
    }

    static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
    }
}
