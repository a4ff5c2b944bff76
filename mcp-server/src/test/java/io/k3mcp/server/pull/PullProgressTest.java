package io.k3mcp.server.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A bar redrawn in place on a terminal; one plain line per tenth otherwise. */
class PullProgressTest {

    private static String render(boolean terminal, long... updates) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PullProgress p = new PullProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal, "m.gguf", 1000);
        for (long u : updates) {
            p.update(u);
        }
        p.finish();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onATerminalTheBarIsRedrawnWithCarriageReturns() {
        String out = render(true, 0, 1000);
        assertTrue(out.startsWith("\rm.gguf [" + ".".repeat(30) + "]   0.0% 0.0/0.0 MB"), out);
        assertTrue(out.contains("\rm.gguf [" + "#".repeat(30) + "] 100.0%"), out);
        assertTrue(out.endsWith("\n"));
    }

    @Test
    void otherwiseOneLinePerTenthAndNoCarriageReturns() {
        String out = render(false, 0, 50, 99, 100, 250, 1000);
        assertFalse(out.contains("\r"));
        assertEquals(List.of("pull: m.gguf 0% (0 of 1000 bytes)", "pull: m.gguf 10% (100 of 1000 bytes)",
                "pull: m.gguf 20% (250 of 1000 bytes)", "pull: m.gguf 100% (1000 of 1000 bytes)"), out.lines().toList());
    }
}
