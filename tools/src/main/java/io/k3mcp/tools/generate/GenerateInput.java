package io.k3mcp.tools.generate;

import io.k3mcp.engine.sampling.SamplerConfig;
import io.k3mcp.engine.session.ChatMessage;

import java.nio.file.Path;
import java.util.List;

/**
 * Validated arguments of {@code generate}: exactly one of {@code prompt} and {@code messages}.
 *
 * @param messages null when a raw prompt is given
 */
public record GenerateInput(Path model, String prompt, List<ChatMessage> messages, int maxTokens,
                            SamplerConfig sampler, List<String> stop, boolean noBos, int topLogits) {

    /** The same rules {@link GenerateTool#parse} enforces, for callers that build the record directly. */
    public GenerateInput {
        if (model == null) {
            throw new IllegalArgumentException("model: a model file is required");
        }
        if ((prompt == null) == (messages == null)) {
            throw new IllegalArgumentException("prompt: give exactly one of prompt and messages");
        }
        if (maxTokens < 1 || maxTokens > GenerateTool.MAX_TOKENS_LIMIT) {
            throw new IllegalArgumentException("max_tokens: must be from 1 to " + GenerateTool.MAX_TOKENS_LIMIT + ", got " + maxTokens);
        }
        if (topLogits < 0 || topLogits > 100) {
            throw new IllegalArgumentException("top_logits: must be from 0 to 100, got " + topLogits);
        }
        if (sampler == null) {
            throw new IllegalArgumentException("sampler: sampling settings are required");
        }
        messages = messages == null ? null : List.copyOf(messages);
        stop = stop == null ? List.of() : List.copyOf(stop);
    }
}
