package io.k3mcp.tools.generate;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.k3mcp.engine.chat.ToolCall;
import io.k3mcp.engine.sampling.TokenLogit;
import io.k3mcp.engine.session.FinishReason;
import io.k3mcp.engine.session.Timings;

import java.util.List;

/**
 * The {@code generate} result, CONTRACT.md's fields (snake_case in JSON) plus, for chat messages, the
 * parsed reply (content, reasoning, tool_calls) and the template used.
 *
 * @param tokens         generated token ids
 * @param contextLength  tokens the session's context holds (prompt + generated); an addition to CONTRACT.md's fields
 * @param topLogits      one list per generated token; absent unless top_logits was asked for
 * @param content        the text outside reasoning and tool calls; absent for a raw prompt
 * @param reasoning      the text of a {@code <think>} block; absent when there is none
 * @param toolCalls      the tool calls in the reply (malformed ones carry parse_error and raw); absent for a raw prompt
 * @param templateSource the chat template used ("gguf" or "builtin:NAME"); absent for a raw prompt
 */
public record GenerateOutput(String text, int[] tokens, int promptTokens, int completionTokens,
                             FinishReason finishReason, Timings timings, int contextLength,
                             @JsonInclude(JsonInclude.Include.NON_NULL) List<List<TokenLogit>> topLogits,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String content,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String reasoning,
                             @JsonInclude(JsonInclude.Include.NON_NULL) List<ToolCall> toolCalls,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String templateSource) {
}
