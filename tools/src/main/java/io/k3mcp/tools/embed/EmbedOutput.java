package io.k3mcp.tools.embed;

import java.util.List;

/**
 * The {@code embed} result, CONTRACT.md's JSON: {@code {model, dim, pooling, normalized, embeddings, token_counts}}.
 * With pooling {@code none} {@code embeddings} holds one vector per token, the texts one after another, and
 * {@code token_counts} says how many belong to each text.
 */
public record EmbedOutput(String model, int dim, String pooling, boolean normalized, List<float[]> embeddings,
                          List<Integer> tokenCounts) {
}
