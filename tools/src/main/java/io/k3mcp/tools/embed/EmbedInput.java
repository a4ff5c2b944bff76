package io.k3mcp.tools.embed;

import io.k3mcp.engine.embed.Pooling;

import java.nio.file.Path;
import java.util.List;

/**
 * Validated arguments of the {@code embed} tool.
 *
 * @param model     GGUF file, or null for the default (serve's --embed-model, else the bundled all-MiniLM-L6-v2)
 * @param texts     1..{@value EmbedTool#MAX_TEXTS} texts, each embedded as its own sequence
 * @param pooling   null for the model's own pooling
 * @param normalize L2-normalise the vectors
 * @param truncate  cut texts longer than the model's context instead of rejecting them
 */
public record EmbedInput(Path model, List<String> texts, Pooling pooling, boolean normalize, boolean truncate) {
    public EmbedInput {
        texts = List.copyOf(texts);
    }
}
