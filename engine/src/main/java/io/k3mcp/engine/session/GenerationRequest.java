package io.k3mcp.engine.session;

import io.k3mcp.engine.sampling.SamplerConfig;
import io.k3mcp.engine.sampling.TokenConstraint;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One generation.
 *
 * @param prompt    prompt token ids (BOS included when wanted); at least one
 * @param maxTokens at most this many generated tokens (>= 1)
 * @param stop      stop strings; generation ends when one appears and it is cut from the text
 * @param topLogits how many top raw logits to report per generated token (0 = none)
 * @param cancelled polled between tokens; true ends generation with finish reason "cancelled"
 * @param listener  called after every generated token
 * @param constraint restricts the sampled tokens (constrained decoding); null for none
 * @param speculation prompt-lookup drafts; null: {@link Speculation#DEFAULT} when greedy, else off
 */
public record GenerationRequest(int[] prompt, int maxTokens, SamplerConfig sampler, List<String> stop,
                                int topLogits, BooleanSupplier cancelled, TokenListener listener,
                                TokenConstraint constraint, Speculation speculation) {

    /** Speculation as the sampler decides (on for greedy). */
    public GenerationRequest(int[] prompt, int maxTokens, SamplerConfig sampler, List<String> stop,
                             int topLogits, BooleanSupplier cancelled, TokenListener listener,
                             TokenConstraint constraint) {
        this(prompt, maxTokens, sampler, stop, topLogits, cancelled, listener, constraint, null);
    }

    /** Without a constraint. */
    public GenerationRequest(int[] prompt, int maxTokens, SamplerConfig sampler, List<String> stop,
                             int topLogits, BooleanSupplier cancelled, TokenListener listener) {
        this(prompt, maxTokens, sampler, stop, topLogits, cancelled, listener, null);
    }

    public GenerationRequest {
        if (prompt == null || prompt.length == 0) {
            throw new IllegalArgumentException("prompt is empty: at least one token (e.g. BOS) is needed");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
        }
        if (topLogits < 0) {
            throw new IllegalArgumentException("top_logits must be >= 0, got " + topLogits);
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        for (String s : stop) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
        cancelled = cancelled == null ? () -> false : cancelled;
        listener = listener == null ? TokenListener.NONE : listener;
        if (speculation == null) {
            speculation = sampler.isGreedy() ? Speculation.DEFAULT : Speculation.OFF;
        }
    }

    /** The same request with other speculation settings. */
    public GenerationRequest withSpeculation(Speculation s) {
        return new GenerationRequest(prompt, maxTokens, sampler, stop, topLogits, cancelled, listener, constraint, s);
    }

    /** Greedy, no stop strings, no top logits. */
    public static GenerationRequest greedy(int[] prompt, int maxTokens) {
        return new GenerationRequest(prompt, maxTokens, SamplerConfig.greedy(), List.of(), 0, null, null);
    }
}
