package io.k3mcp.engine.sampling;

/** A token id and its raw logit. */
public record TokenLogit(int id, float logit) {
}
