package io.k3mcp.engine.session;

import io.k3mcp.engine.sampling.TokenLogit;

import java.util.List;

/**
 * @param text       generated text, without a stop string or the EOS piece
 * @param tokens     generated token ids (an EOS token included, as it was generated)
 * @param topLogits  per generated token, its top raw logits (empty when not asked for)
 */
public record GenerationResult(String text, int[] tokens, int promptTokens, int completionTokens,
                               FinishReason finishReason, Timings timings, List<List<TokenLogit>> topLogits) {
}
