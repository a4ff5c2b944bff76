package io.k3mcp.engine.embed;

import java.util.List;

/**
 * Embeddings of a batch of texts.
 *
 * @param vectors     one vector per text, or with {@link Pooling#NONE} one per token, texts one after another
 * @param tokenCounts tokens each text became (special tokens included)
 */
public record EmbedResult(Pooling pooling, boolean normalized, int dim, List<float[]> vectors, List<Integer> tokenCounts) {
}
