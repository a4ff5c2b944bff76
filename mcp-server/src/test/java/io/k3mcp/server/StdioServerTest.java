package io.k3mcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole server over the stdio transport, with raw JSON-RPC lines: the adapter's behaviour end to end. */
class StdioServerTest {
    private StdioHarness server;

    @BeforeEach
    void start() throws Exception {
        server = new StdioHarness(List.of(new CountTool())).initialized();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void listsToolsWithBothSchemas() throws Exception {
        server.request(1, "tools/list", "{}");
        JsonNode tool = server.response(1).at("/result/tools/0");
        assertEquals("count", tool.get("name").asText());
        assertEquals(10000, tool.at("/inputSchema/properties/steps/maximum").asInt());
        assertEquals("object", tool.at("/outputSchema/type").asText());
    }

    @Test
    void callReturnsStructuredContentAndText() throws Exception {
        server.request(1, "tools/call", "{\"name\":\"count\",\"arguments\":{\"steps\":4}}");
        JsonNode result = server.response(1).get("result");
        assertFalse(result.get("isError").asBoolean());
        assertEquals(4, result.at("/structuredContent/count").asInt());
        assertEquals("counted to 4", result.at("/content/0/text").asText());
        assertEquals(result.get("structuredContent"), StdioHarness.JSON.readTree(result.at("/content/1/text").asText()));
    }

    @Test
    void badArgumentsAreAToolErrorNamingTheField() throws Exception {
        server.request(1, "tools/call", "{\"name\":\"count\",\"arguments\":{\"steps\":0}}");
        JsonNode result = server.response(1).get("result");
        assertTrue(result.get("isError").asBoolean());
        assertTrue(result.at("/content/0/text").asText().contains("steps: expected an integer from 1 to 10000"),
                result.toString());
        server.assertPingWorks(2);
    }

    @Test
    void malformedCallParamsAreInvalidParamsNamingTheField() throws Exception {
        server.request(1, "tools/call", "{\"name\":\"count\",\"arguments\":[1,2]}");
        JsonNode error = server.response(1).get("error");
        assertEquals(-32602, error.get("code").asInt());
        assertEquals("Invalid params: params.arguments: expected an object, got an array", error.get("message").asText());
        server.request(2, "tools/call", "{\"arguments\":{}}");
        assertTrue(server.response(2).at("/error/message").asText().contains("params.name"));
        server.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\"}");
        assertTrue(server.response(3).at("/error/message").asText().startsWith("Invalid params: params: expected"));
    }

    @Test
    void unknownToolIsAProtocolError() throws Exception {
        server.request(1, "tools/call", "{\"name\":\"no-such-tool\",\"arguments\":{}}");
        JsonNode error = server.response(1).get("error");
        assertEquals(-32602, error.get("code").asInt());
        assertTrue(error.toString().contains("no-such-tool"), error.toString());
    }

    @Test
    void unexpectedFailureIsAnInternalErrorAndTheServerKeepsServing() throws Exception {
        server.request(1, "tools/call", "{\"name\":\"count\",\"arguments\":{\"fail\":true}}");
        JsonNode error = server.response(1).get("error");
        assertEquals(-32603, error.get("code").asInt());
        assertTrue(error.get("message").asText().contains("count failed: asked to fail"), error.toString());
        server.assertPingWorks(2);
    }

    @Test
    void nonJsonLineGetsAParseErrorAndTheServerKeepsServing() throws Exception {
        server.send("this is not json");
        JsonNode error = server.next(m -> m.has("error") && m.get("id").isNull());
        assertEquals(-32700, error.at("/error/code").asInt());
        server.send("{\"not\":\"json-rpc\"}");
        JsonNode invalid = server.next(m -> m.has("error") && m.get("id").isNull());
        assertEquals(-32600, invalid.at("/error/code").asInt());
        server.send("[{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}]");
        JsonNode batch = server.next(m -> m.has("error") && m.get("id").isNull());
        assertEquals(-32600, batch.at("/error/code").asInt());
        assertTrue(batch.at("/error/message").asText().contains("batches are not supported"), batch.toString());
        server.assertPingWorks(1);
    }

    @Test
    void oversizedLineIsRefusedWithItsIdAndTheServerKeepsServing() throws Exception {
        String big = "x".repeat(5 * 1024 * 1024);
        server.request(1, "tools/call", "{\"name\":\"count\",\"arguments\":{\"padding\":\"" + big + "\"}}");
        JsonNode error = server.response(1).get("error");
        assertEquals(-32600, error.get("code").asInt());
        assertTrue(error.get("message").asText().contains("request too large"), error.toString());
        // The TypeScript SDK writes the id last.
        server.send("{\"method\":\"tools/call\",\"params\":{\"name\":\"count\",\"arguments\":{\"padding\":\""
                + big + "\"}},\"jsonrpc\":\"2.0\",\"id\":2}");
        assertEquals(-32600, server.response(2).at("/error/code").asInt());
        server.assertPingWorks(3);
    }

    @Test
    void progressNotificationsFollowTheToken() throws Exception {
        server.request(1, "tools/call",
                "{\"name\":\"count\",\"arguments\":{\"steps\":3},\"_meta\":{\"progressToken\":\"p-1\"}}");
        server.response(1);
        List<JsonNode> progress = server.drainNotifications("notifications/progress");
        assertEquals(3, progress.size(), progress.toString());
        for (int i = 0; i < 3; i++) {
            assertEquals("p-1", progress.get(i).at("/params/progressToken").asText());
            assertEquals(i + 1, progress.get(i).at("/params/progress").asDouble());
            assertEquals(3, progress.get(i).at("/params/total").asDouble());
        }
    }

    @Test
    void cancelledNotificationStopsTheCallBetweenSteps() throws Exception {
        server.request(7, "tools/call",
                "{\"name\":\"count\",\"arguments\":{\"steps\":10000,\"interval_ms\":5},\"_meta\":{\"progressToken\":7}}");
        server.next(m -> "notifications/progress".equals(m.path("method").asText()));
        server.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":7,"
                + "\"reason\":\"test\"}}");
        JsonNode log = server.next(m -> "notifications/message".equals(m.path("method").asText()));
        assertEquals("count: cancelled", log.at("/params/data").asText());
        server.assertPingWorks(8);
        // The protocol says not to answer a cancelled request: ping's answer came, call 7's never does.
        assertFalse(server.drainNotifications("").stream().anyMatch(m -> m.path("id").asInt(-1) == 7));
        // The tool reported "cancelled" after its last step: progress sent before that is already here,
        // and none may follow (10000 steps of 5 ms would otherwise go on for 50 s).
        server.drainNotifications("notifications/progress");
        Thread.sleep(300);
        assertEquals(List.of(), server.drainNotifications("notifications/progress"));
    }

    @Test
    void aCancelledCallThatReturnsItsPartialResultStillGetsNoResponse() throws Exception {
        // generate ends a cancelled call with its text so far (finish "cancelled") rather than throwing
        server.request(9, "tools/call", "{\"name\":\"count\",\"arguments\":{\"steps\":10000,\"interval_ms\":5,"
                + "\"partial_on_cancel\":true},\"_meta\":{\"progressToken\":9}}");
        server.next(m -> "notifications/progress".equals(m.path("method").asText()));
        server.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":9}}");
        JsonNode log = server.next(m -> "notifications/message".equals(m.path("method").asText())
                && m.at("/params/data").asText().startsWith("count: "));
        assertEquals("count: cancelled", log.at("/params/data").asText());
        server.assertPingWorks(10);
        Thread.sleep(300);
        assertFalse(server.drainNotifications("").stream().anyMatch(m -> m.path("id").asInt(-1) == 9),
                "no response to the cancelled call");
    }

    @Test
    void quickCallAnswersWhileALongOneRunsAndEightRunAtOnce() throws Exception {
        server.request(100, "tools/call", "{\"name\":\"count\",\"arguments\":{\"steps\":10000,\"interval_ms\":5}}");
        for (int id = 1; id <= 8; id++) {
            server.request(id, "tools/call", "{\"name\":\"count\",\"arguments\":{\"steps\":" + (id * 2)
                    + ",\"interval_ms\":2}}");
        }
        for (int id = 1; id <= 8; id++) {
            assertEquals(id * 2, server.response(id).at("/result/structuredContent/count").asInt());
        }
        server.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":100}}");
        server.next(m -> "count: cancelled".equals(m.at("/params/data").asText()));
    }

    @Test
    void callsPastThePoolAreRefusedAsBusyNotQueued() throws Exception {
        int pool = ToolExecutor.MAX_CONCURRENT_CALLS;
        for (int id = 1; id <= pool; id++) {
            server.request(id, "tools/call", "{\"name\":\"count\",\"arguments\":{\"steps\":10000,\"interval_ms\":5},"
                    + "\"_meta\":{\"progressToken\":" + id + "}}");
        }
        for (int id = 1; id <= pool; id++) {
            int token = id;
            server.next(m -> "notifications/progress".equals(m.path("method").asText())
                    && m.at("/params/progressToken").asInt() == token);
        }
        server.request(100, "tools/call", "{\"name\":\"count\",\"arguments\":{}}");
        JsonNode busy = server.response(100).get("result");
        assertTrue(busy.get("isError").asBoolean());
        assertTrue(busy.at("/content/0/text").asText().startsWith("busy: " + pool + " tool calls"), busy.toString());
        for (int id = 1; id <= pool; id++) {
            server.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":" + id + "}}");
        }
        for (int id = 1; id <= pool; id++) {
            server.next(m -> "count: cancelled".equals(m.at("/params/data").asText()));
        }
        server.assertPingWorks(101);
    }

    @Test
    void logNotificationsFollowTheClientsLevel() throws Exception {
        server.request(1, "logging/setLevel", "{\"level\":\"debug\"}");
        server.response(1);
        server.request(2, "tools/call", "{\"name\":\"count\",\"arguments\":{\"steps\":1}}");
        server.response(2);
        JsonNode log = server.next(m -> "notifications/message".equals(m.path("method").asText()));
        assertEquals("debug", log.at("/params/level").asText());
        assertTrue(log.at("/params/data").asText().startsWith("count: "), log.toString());
    }
}
