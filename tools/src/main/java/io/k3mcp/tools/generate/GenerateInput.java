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
}
