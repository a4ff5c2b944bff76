package io.k3mcp.engine.chat;

import java.util.List;

/**
 * A model's reply split into its parts.
 *
 * @param content   the text outside thinking blocks and tool calls, trimmed
 * @param reasoning the text of the {@code <think>} block, trimmed; null when there is none
 * @param toolCalls the tool calls in the order written (malformed ones included, marked); empty when none
 */
public record ParsedReply(String content, String reasoning, List<ToolCall> toolCalls) {
    public ParsedReply {
        toolCalls = List.copyOf(toolCalls);
    }
}
