package io.k3mcp.engine.sampling;

/**
 * Restricts which tokens may be sampled (constrained decoding). Before each sampling step the session
 * calls {@link #restrict}, which sets the logits of disallowed tokens to negative infinity, so every
 * sampler step (penalty, top-k/p, min-p, temperature) only ever sees allowed tokens; after the token is
 * chosen the session calls {@link #accept}.
 */
public interface TokenConstraint {
    /** @param tokensLeft tokens that may still be generated, this one included */
    void restrict(float[] logits, int tokensLeft);

    void accept(int token);

    /** Whether the output so far is a complete document (end of sequence is allowed). */
    boolean isComplete();
}
