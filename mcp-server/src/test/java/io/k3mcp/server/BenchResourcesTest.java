package io.k3mcp.server;

import io.k3mcp.tools.bench.BenchHistory;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** bench://history serves the history file as it is, and an empty text before the first run. */
class BenchResourcesTest {
    @TempDir
    Path tmp;

    @Test
    void servesTheHistoryFile() throws Exception {
        BenchHistory h = new BenchHistory(tmp.resolve("bench-history.jsonl"));
        assertEquals("bench://history", BenchResources.all(h).get(0).resource().uri());
        assertEquals("", text(BenchResources.read(h)));
        Files.writeString(h.file(), "{\"config\":\"a\"}\n");
        assertEquals("{\"config\":\"a\"}\n", text(BenchResources.read(h)));
    }

    private static String text(McpSchema.ReadResourceResult r) {
        return ((McpSchema.TextResourceContents) r.contents().get(0)).text();
    }
}
