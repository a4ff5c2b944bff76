package io.k3mcp.engine.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tool-call and reasoning parsing on replies in each format, written the way the formats' own
 * documentation shows them:
 * <ul>
 *   <li>Qwen2.5 / Qwen3 (Hermes style): the calls and the thinking text of the function-calling guide,
 *       QwenLM/Qwen2.5 docs/source/framework/function_call.md (commit 0eea76c1), laid out in the
 *       {@code <tool_call>} blocks the Qwen2.5 and Qwen3 chat templates define;</li>
 *   <li>Hermes 2 Pro: the get_stock_fundamentals call of NousResearch's Hermes-2-Pro model card
 *       (arguments before name, as shown there);</li>
 *   <li>Llama 3.1/3.2: the JSON call ({"name", "parameters"}) and the built-in brave_search call of
 *       Meta's Llama 3.1 prompt-format documentation, and the Llama 3.2/3.3 chat templates' JSON format;</li>
 *   <li>Mistral: the [TOOL_CALLS] array of the Mistral-Nemo chat template.</li>
 * </ul>
 */
class ReplyParserTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static void assertCall(ToolCall c, String name, String argumentsJson) throws IOException {
        assertTrue(c.ok(), "malformed: " + c.parseError());
        assertEquals(name, c.name());
        assertEquals(M.readTree(argumentsJson), c.arguments());
    }

    @Test
    void qwenHermesStyleSeveralCalls() throws IOException {
        String reply = "<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"San Francisco, CA, USA\"}}\n</tool_call>\n"
                + "<tool_call>\n{\"name\": \"get_temperature_date\", \"arguments\": {\"location\": \"San Francisco, CA, USA\", \"date\": \"2024-10-01\"}}\n</tool_call>";
        ParsedReply p = ReplyParser.parse(reply, true);
        assertEquals(2, p.toolCalls().size());
        assertCall(p.toolCalls().get(0), "get_current_temperature", "{\"location\": \"San Francisco, CA, USA\"}");
        assertCall(p.toolCalls().get(1), "get_temperature_date", "{\"location\": \"San Francisco, CA, USA\", \"date\": \"2024-10-01\"}");
        assertEquals("", p.content());
        assertNull(p.reasoning());
    }

    @Test
    void qwen3ThinkingThenCallsWithTextAround() throws IOException {
        String thought = "Okay, the user is asking for the current temperature in San Francisco and the temperature for tomorrow. "
                + "Let me check the available tools.\n\nI should make two separate function calls.";
        String reply = "<think>\n" + thought + "\n</think>\n\nLet me look that up.\n"
                + "<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"San Francisco, California, United States\", \"unit\": \"celsius\"}}\n</tool_call>";
        ParsedReply p = ReplyParser.parse(reply, true);
        assertEquals(thought, p.reasoning());
        assertEquals("Let me look that up.", p.content());
        assertCall(p.toolCalls().get(0), "get_current_temperature",
                "{\"location\": \"San Francisco, California, United States\", \"unit\": \"celsius\"}");
    }

    @Test
    void reasoningWithoutOpeningTagAndCutOffWhileThinking() {
        ParsedReply closedOnly = ReplyParser.parse("the prompt opened the block\n</think>\n\nThe answer is 4.", false);
        assertEquals("the prompt opened the block", closedOnly.reasoning());
        assertEquals("The answer is 4.", closedOnly.content());
        ParsedReply cut = ReplyParser.parse("<think>\nstill thinking when max_tokens ran out", false);
        assertEquals("still thinking when max_tokens ran out", cut.reasoning());
        assertEquals("", cut.content());
        ParsedReply empty = ReplyParser.parse("<think>\n\n</think>\n\nHello!", false);
        assertEquals("", empty.reasoning());
        assertEquals("Hello!", empty.content());
    }

    @Test
    void hermes2ProCallWithArgumentsFirst() throws IOException {
        ParsedReply p = ReplyParser.parse("<tool_call>\n{\"arguments\": {\"symbol\": \"TSLA\"}, \"name\": \"get_stock_fundamentals\"}\n</tool_call>", true);
        assertCall(p.toolCalls().get(0), "get_stock_fundamentals", "{\"symbol\": \"TSLA\"}");
    }

    @Test
    void argumentsGivenAsAJsonStringAreDecoded() throws IOException {
        ParsedReply p = ReplyParser.parse("<tool_call>{\"name\": \"f\", \"arguments\": \"{\\\"a\\\": 1}\"}</tool_call>", true);
        assertCall(p.toolCalls().get(0), "f", "{\"a\": 1}");
    }

    @Test
    void llama31JsonCallWithAndWithoutPythonTag() throws IOException {
        String call = "{\"name\": \"get_current_conditions\", \"parameters\": {\"location\": \"San Francisco, CA\", \"unit\": \"Fahrenheit\"}}";
        for (String reply : List.of(call, "<|python_tag|>" + call)) {
            ParsedReply p = ReplyParser.parse(reply, true);
            assertEquals(1, p.toolCalls().size(), reply);
            assertCall(p.toolCalls().get(0), "get_current_conditions", "{\"location\": \"San Francisco, CA\", \"unit\": \"Fahrenheit\"}");
            assertEquals("", p.content());
        }
    }

    @Test
    void llamaSeveralCallsSeparatedBySemicolons() throws IOException {
        ParsedReply p = ReplyParser.parse("<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}; "
                + "{\"name\": \"get_time\", \"parameters\": {\"tz\": \"Europe/Paris\"}}", true);
        assertEquals(2, p.toolCalls().size());
        assertCall(p.toolCalls().get(0), "get_weather", "{\"city\": \"Paris\"}");
        assertCall(p.toolCalls().get(1), "get_time", "{\"tz\": \"Europe/Paris\"}");
    }

    @Test
    void llamaBuiltinToolCall() throws IOException {
        ParsedReply p = ReplyParser.parse("<|python_tag|>brave_search.call(query=\"current weather in Menlo Park, California\")", true);
        assertCall(p.toolCalls().get(0), "brave_search", "{\"query\": \"current weather in Menlo Park, California\"}");
        ParsedReply two = ReplyParser.parse("<|python_tag|>wolfram_alpha.call(query='2+2', precision=3)", true);
        assertCall(two.toolCalls().get(0), "wolfram_alpha", "{\"query\": \"2+2\", \"precision\": 3}");
    }

    @Test
    void mistralToolCallsArray() throws IOException {
        ParsedReply p = ReplyParser.parse("[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}, \"id\": \"abc123XYZ\"}, "
                + "{\"name\": \"get_time\", \"arguments\": {\"tz\": \"Asia/Tokyo\"}, \"id\": \"def456UVW\"}]", true);
        assertEquals(2, p.toolCalls().size());
        assertCall(p.toolCalls().get(1), "get_time", "{\"tz\": \"Asia/Tokyo\"}");
    }

    @Test
    void plainAnswersAndJsonAnswersAreContent() {
        ParsedReply text = ReplyParser.parse("  The capital of France is Paris.\n", true);
        assertEquals("The capital of France is Paris.", text.content());
        assertTrue(text.toolCalls().isEmpty());
        String json = "{\"name\": \"Paris\", \"population\": 2102650}";
        assertEquals(json, ReplyParser.parse(json, true).content(), "a JSON answer without parameters is not a call");
        String call = "{\"name\": \"f\", \"parameters\": {}}";
        assertEquals(call, ReplyParser.parse(call, false).content(), "no tools offered: bare JSON is content");
    }

    @Test
    void malformedCallsAreReportedNotDropped() {
        ParsedReply broken = ReplyParser.parse("Sure.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"\n</tool_call>", true);
        assertEquals("Sure.", broken.content());
        ToolCall c = broken.toolCalls().get(0);
        assertFalse(c.ok());
        assertTrue(c.parseError().startsWith("not valid JSON"), c.parseError());
        assertTrue(c.raw().contains("get_weather"));

        ToolCall cut = ReplyParser.parse("<tool_call>\n{\"name\": \"get_weather\", \"argu", true).toolCalls().get(0);
        assertTrue(cut.parseError().startsWith("unterminated <tool_call>"), cut.parseError());

        ToolCall noName = ReplyParser.parse("<tool_call>{\"arguments\": {}}</tool_call>", true).toolCalls().get(0);
        assertEquals("the call has no \"name\" string", noName.parseError());

        ToolCall badArgs = ReplyParser.parse("<tool_call>{\"name\": \"f\", \"arguments\": [1]}</tool_call>", true).toolCalls().get(0);
        assertTrue(badArgs.parseError().contains("must be a JSON object"), badArgs.parseError());

        ToolCall trailing = ReplyParser.parse("<tool_call>{\"name\": \"f\", \"arguments\": {}} oops</tool_call>", true).toolCalls().get(0);
        assertTrue(trailing.parseError().startsWith("not valid JSON"), trailing.parseError());

        List<ToolCall> llama = ReplyParser.parse("{\"name\": \"get_weather\", \"parameters\": {\"city\": ", true).toolCalls();
        assertEquals("unterminated JSON call", llama.get(0).parseError());

        List<ToolCall> after = ReplyParser.parse("<|python_tag|>{\"name\": \"f\", \"parameters\": {}} and more", true).toolCalls();
        assertTrue(after.get(0).ok());
        assertTrue(after.get(1).parseError().startsWith("text after the calls"), after.get(1).parseError());

        ToolCall notACall = ReplyParser.parse("<|python_tag|>print('hi')", true).toolCalls().get(0);
        assertTrue(notACall.parseError().contains("neither a JSON call"), notACall.parseError());

        ToolCall mistral = ReplyParser.parse("[TOOL_CALLS][{\"name\": ", true).toolCalls().get(0);
        assertTrue(mistral.parseError().startsWith("[TOOL_CALLS] is not followed by a JSON array"), mistral.parseError());
    }
}
