package io.k3mcp.tools.generate;

import io.k3mcp.engine.grammar.Schema;
import io.k3mcp.engine.sampling.SamplerConfig;
import io.k3mcp.engine.session.Speculation;

import java.nio.file.Path;
import java.util.List;

/**
 * Validated arguments of {@code generate}: exactly one of {@code prompt} and {@code messages}.
 *
 * @param messages       chat messages as template data; null when a raw prompt is given
 * @param tools          function definitions as template data (HF's shape); null for none
 * @param outputSchema   the JSON the output must be (from json_schema, or any JSON for format "json"); null for free text
 * @param schemaArgument the argument outputSchema came from ("json_schema" or "format"); null without one
 * @param speculation    prompt-lookup drafting; null: on for greedy, off when sampling
 */
public record GenerateInput(Path model, String prompt, List<Object> messages, List<Object> tools,
                            Schema outputSchema, String schemaArgument, int maxTokens,
                            SamplerConfig sampler, List<String> stop, boolean noBos, int topLogits, Speculation speculation) {

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
        if (tools != null && messages == null) {
            throw new IllegalArgumentException("tools: tools are offered through the chat template: give messages");
        }
        if ((outputSchema == null) != (schemaArgument == null)) {
            throw new IllegalArgumentException("json_schema: an output schema needs the argument it came from, and only then");
        }
        if (sampler == null) {
            throw new IllegalArgumentException("sampler: sampling settings are required");
        }
        messages = messages == null ? null : List.copyOf(messages);
        tools = tools == null ? null : List.copyOf(tools);
        stop = stop == null ? List.of() : List.copyOf(stop);
    }
}
