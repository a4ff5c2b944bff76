package io.k3mcp.tools.generate;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.k3mcp.engine.sampling.TokenLogit;
import io.k3mcp.engine.session.FinishReason;
import io.k3mcp.engine.session.Timings;

import java.util.List;

/**
 * The {@code generate} result, exactly CONTRACT.md's fields (snake_case in JSON).
 *
 * @param tokens    generated token ids
 * @param topLogits one list per generated token; absent unless top_logits was asked for
 */
public record GenerateOutput(String text, int[] tokens, int promptTokens, int completionTokens,
                             FinishReason finishReason, Timings timings,
                             @JsonInclude(JsonInclude.Include.NON_NULL) List<List<TokenLogit>> topLogits) {
}
