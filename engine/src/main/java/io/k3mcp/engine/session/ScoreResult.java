package io.k3mcp.engine.session;

import io.k3mcp.engine.sampling.TokenLogit;

import java.util.List;

/**
 * Teacher-forced evaluation of a token sequence (CONTRACT.md {@code score}).
 *
 * @param positions  position i holds the distribution after tokens 0..i
 * @param perplexity exp of the mean negative log-probability of tokens 1..n-1; null for a single token
 */
public record ScoreResult(int[] tokens, List<Position> positions, Double perplexity) {

    /**
     * @param token     tokens[i + 1], null at the last position
     * @param logprob   its natural-log probability under the model, null at the last position
     * @param topLogits the top raw logits at this position (empty when not asked for)
     */
    public record Position(Integer token, Double logprob, List<TokenLogit> topLogits) {
    }
}
