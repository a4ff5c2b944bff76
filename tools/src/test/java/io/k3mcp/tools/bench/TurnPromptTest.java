package io.k3mcp.tools.bench;

import io.k3mcp.engine.tokenizer.Tokenizer;
import io.k3mcp.engine.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in agentic-turn prompt: its size under the real Llama-3 tokenizer (shared/models/llama3-vocab.gguf). */
class TurnPromptTest {

    @Test
    void promptIsAbout800Llama3Tokens() throws Exception {
        String shared = System.getProperty("k3mcp.shared", "../../shared");
        Tokenizer t = Tokenizers.fromFile(Path.of(shared, "models", "llama3-vocab.gguf"));
        int n = t.encode(TurnBenchmark.promptText(), true, false).length;
        assertEquals(TurnBenchmark.PROMPT_TOKENS, n);
        assertTrue(n >= 700 && n <= 900, "K3.md's turn has 700-900 prompt tokens, got " + n);
        String text = TurnBenchmark.promptText();
        assertTrue(text.contains("\"name\": \"edit\"") && text.contains("\"name\": \"read\"") && text.contains("public final class Retry"));
    }

    @Test
    void promptIdsAreCutOrCycledToTheNominalLength() {
        int[] ids = TurnBenchmark.promptIds(null, 300);
        assertEquals(TurnBenchmark.PROMPT_TOKENS, ids.length);
        for (int id : ids) {
            assertTrue(id >= 0 && id < 300);
        }
    }
}
