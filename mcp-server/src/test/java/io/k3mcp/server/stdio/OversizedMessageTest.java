package io.k3mcp.server.stdio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class OversizedMessageTest {
    @Test
    void findsTheIdAtEitherAnchoredEnd() {
        assertEquals(7L, OversizedMessage.id("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"x\",\"params\":{\"a\":\"xxx", "xx\"}}"));
        assertEquals(7L, OversizedMessage.id("{\"id\":7,\"jsonrpc\":\"2.0\"", "\"}}"));
        assertEquals("a-1", OversizedMessage.id("{\"method\":\"tools/call\",\"params\":{\"p\":\"xxx",
                "xxx\"}},\"jsonrpc\":\"2.0\",\"id\":\"a-1\"}"));
        assertEquals(-3L, OversizedMessage.id("{\"method\":\"m\"", "\"},\"id\":-3}\r"));
    }

    @Test
    void nestedOrMissingIdsAreNotTrusted() {
        assertNull(OversizedMessage.id("{\"method\":\"m\",\"params\":{\"id\":5,\"x\":\"", "xxxx\"}}"));
        assertNull(OversizedMessage.id("garbage", "garbage"));
        assertNull(OversizedMessage.id(null, null));
    }
}
