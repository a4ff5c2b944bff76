package io.k3mcp.engine.chat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gemma 4 tool calls through {@link ReplyParser}, written from Gemma 4's documented call format
 * ({@code <|tool_call>call:name{key:value}<tool_call|>}, strings between {@code <|"|>} quote tokens); the
 * published template's own rendering of a call (chat/gemma4.cases.json, from jinja2) must read back too.
 */
class GemmaCallsTest {

    private static void assertCall(ToolCall c, String name, String argumentsJson) throws IOException {
        assertTrue(c.ok(), () -> "parse error: " + c.parseError());
        assertEquals(name, c.name());
        assertEquals(ReplyParser.MAPPER.readTree(argumentsJson), c.arguments());
    }

    @Test
    void oneCallWithAQuotedStringHoldingCommasAndBraces() throws IOException {
        ParsedReply r = ReplyParser.parse(
                "Let me check.<|tool_call>call:get_weather{location:<|\"|>Tokyo, JP {centre}<|\"|>}<tool_call|>", true);
        assertEquals("Let me check.", r.content());
        assertEquals(1, r.toolCalls().size());
        assertCall(r.toolCalls().get(0), "get_weather", "{\"location\": \"Tokyo, JP {centre}\"}");
    }

    @Test
    void numbersBooleansNullNestedObjectsListsAndSeveralCalls() throws IOException {
        String text = "<|tool_call>call:search{query:<|\"|>k3 board<|\"|>,limit:5,exact:false,cursor:null,"
                + "ratio:-0.25,range:{from:1,to:2e3},tags:[<|\"|>a<|\"|>,<|\"|>b, c<|\"|>],empty:{},none:[]}<tool_call|>\n"
                + "<|tool_call>call:read_file{path:<|\"|>/tmp/x \"quoted\"<|\"|>}<tool_call|>";
        ParsedReply r = ReplyParser.parse(text, true);
        assertEquals("", r.content());
        assertEquals(2, r.toolCalls().size());
        assertCall(r.toolCalls().get(0), "search", "{\"query\": \"k3 board\", \"limit\": 5, \"exact\": false, \"cursor\": null,"
                + " \"ratio\": -0.25, \"range\": {\"from\": 1, \"to\": 2e3}, \"tags\": [\"a\", \"b, c\"], \"empty\": {}, \"none\": []}");
        assertCall(r.toolCalls().get(1), "read_file", "{\"path\": \"/tmp/x \\\"quoted\\\"\"}");
    }

    @Test
    void bareWordsAreStringsAndNoArgumentsIsAnEmptyObject() throws IOException {
        ParsedReply r = ReplyParser.parse("<|tool_call>call:set_mode{mode:fast, level: high}<tool_call|>"
                + "<|tool_call>call:list_tools{}<tool_call|>", true);
        assertCall(r.toolCalls().get(0), "set_mode", "{\"mode\": \"fast\", \"level\": \"high\"}");
        assertCall(r.toolCalls().get(1), "list_tools", "{}");
    }

    /** The published Gemma 4 template's own rendering of a call (jinja2, chat/gemma4.cases.json) reads back to its arguments. */
    @Test
    void theTemplatesRenderingOfACallParsesBackToItsArguments() throws IOException {
        JsonNode cases = ReplyParser.MAPPER.readTree(TemplateModels.resource("chat/gemma4.cases.json"));
        JsonNode c = null;
        for (JsonNode x : cases) {
            if (x.get("name").asText().equals("tool_call_and_response")) {
                c = x;
            }
        }
        String rendered = c.get("expected").asText();
        int open = rendered.indexOf(GemmaCalls.OPEN);
        int close = rendered.indexOf(GemmaCalls.CLOSE, open) + GemmaCalls.CLOSE.length();
        ParsedReply r = ReplyParser.parse(rendered.substring(open, close), true);
        JsonNode function = c.get("context").get("messages").get(1).get("tool_calls").get(0).get("function");
        assertEquals(1, r.toolCalls().size());
        assertCall(r.toolCalls().get(0), function.get("name").asText(), function.get("arguments").toString());
    }

    @Test
    void malformedCallsAreReportedWithTheReasonNotDropped() {
        ParsedReply unterminated = ReplyParser.parse("ok <|tool_call>call:f{a:1}", true);
        assertEquals("ok", unterminated.content());
        ToolCall u = unterminated.toolCalls().get(0);
        assertFalse(u.ok());
        assertTrue(u.parseError().contains("unterminated <|tool_call> (no <tool_call|>)"), u.parseError());

        ToolCall noCall = ReplyParser.parse("<|tool_call>f{a:1}<tool_call|>", true).toolCalls().get(0);
        assertTrue(noCall.parseError().contains("starts with 'call:NAME{'"), noCall.parseError());
        ToolCall noArgs = ReplyParser.parse("<|tool_call>call:f<tool_call|>", true).toolCalls().get(0);
        assertTrue(noArgs.parseError().contains("the call to 'f' has no '{' arguments"), noArgs.parseError());
        ToolCall openString = ReplyParser.parse("<|tool_call>call:f{a:<|\"|>never closed}<tool_call|>", true).toolCalls().get(0);
        assertTrue(openString.parseError().contains("is not closed"), openString.parseError());
        ToolCall badObject = ReplyParser.parse("<|tool_call>call:f{a 1}<tool_call|>", true).toolCalls().get(0);
        assertTrue(badObject.parseError().contains("expected ':' after the key"), badObject.parseError());
        assertEquals("<|tool_call>call:f{a 1}<tool_call|>".length() - "<|tool_call>".length() - "<tool_call|>".length(),
                badObject.raw().length());
        assertNull(badObject.name());
        ToolCall trailing = ReplyParser.parse("<|tool_call>call:f{a:1} extra<tool_call|>", true).toolCalls().get(0);
        assertTrue(trailing.parseError().contains("text after the arguments"), trailing.parseError());
    }
}
