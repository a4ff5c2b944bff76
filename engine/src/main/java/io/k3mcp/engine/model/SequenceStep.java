package io.k3mcp.engine.model;

/**
 * One sequence's part of a batched forward pass ({@link Transformer#forward(java.util.List)}): its own
 * memory, the new tokens to run at positions {@code cache.length()...}, and whether the logits of every
 * token are wanted (speculative verification, scoring) or only those of the last.
 */
public record SequenceStep(KvCache cache, int[] tokens, boolean allLogits) {
}
