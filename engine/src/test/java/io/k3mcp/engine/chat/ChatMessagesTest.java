package io.k3mcp.engine.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatMessagesTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static ChatInputException badMessages(String json) {
        return assertThrows(ChatInputException.class, () -> ChatMessages.messages(M.readTree(json)));
    }

    private static ChatInputException badTools(String json) {
        return assertThrows(ChatInputException.class, () -> ChatMessages.tools(M.readTree(json)));
    }

    @Test
    void rejectsMalformedMessagesNamingTheEntry() {
        assertTrue(badMessages("[]").getMessage().contains("non-empty array"));
        assertTrue(badMessages("{\"role\": \"user\"}").getMessage().contains("non-empty array"));
        assertTrue(badMessages("[\"hi\"]").getMessage().contains("message 0 must be an object"));
        assertTrue(badMessages("[{\"content\": \"x\"}]").getMessage().contains("message 0: role"));
        assertTrue(badMessages("[{\"role\": \"robot\", \"content\": \"x\"}]").getMessage().contains("robot"));
        assertTrue(badMessages("[{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"user\"}]")
                .getMessage().contains("message 1 (user) has no content"));
        assertTrue(badMessages("[{\"role\": \"user\", \"content\": 5}]").getMessage().contains("content must be a string"));
        assertTrue(badMessages("[{\"role\": \"assistant\", \"tool_calls\": [{\"function\": {}}]}]")
                .getMessage().contains("tool_calls[0]"));
        assertEquals("messages", badMessages("[]").argument());
    }

    @Test
    void keepsToolCallFieldsAndNullContentWithCalls() throws IOException {
        List<Object> m = ChatMessages.messages(M.readTree("[{\"role\": \"assistant\", \"content\": null, \"tool_calls\": "
                + "[{\"id\": \"call_1\", \"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": {\"a\": 1}}}]}]"));
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) m.get(0);
        assertTrue(first.containsKey("content"));
        assertNull(first.get("content"));
        assertEquals(List.of(Map.of("id", "call_1", "type", "function", "function", Map.of("name", "f", "arguments", Map.of("a", 1)))),
                first.get("tool_calls"));
    }

    @Test
    void toolsAreWrappedAsHuggingFacePassesThem() throws IOException {
        assertNull(ChatMessages.tools(null));
        assertNull(ChatMessages.tools(M.readTree("[]")));
        List<Object> t = ChatMessages.tools(M.readTree("[{\"name\": \"f\", \"description\": \"d\", \"parameters\": {\"type\": \"object\"}}]"));
        assertEquals("{\"type\":\"function\",\"function\":{\"name\":\"f\",\"description\":\"d\",\"parameters\":{\"type\":\"object\"}}}",
                M.writeValueAsString(t.get(0)));
    }

    @Test
    void rejectsMalformedTools() {
        assertTrue(badTools("{\"name\": \"f\"}").getMessage().contains("expected an array"));
        assertTrue(badTools("[{\"description\": \"no name\"}]").getMessage().contains("tool 0 needs a function name"));
        assertTrue(badTools("[{\"name\": \"f\", \"parameters\": 3}]").getMessage().contains("parameters must be a JSON Schema object"));
        assertEquals("tools", badTools("[{}]").argument());
    }
}
