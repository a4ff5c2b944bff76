package io.k3mcp.tools;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One MCP tool, transport-free: the CLI and the MCP server both call {@link #parse} then
 * {@link #run}, so they share one code path and one JSON result.
 *
 * @param <I> the validated input record
 * @param <O> the result record, serialised with {@link Json#MAPPER} as structuredContent
 */
public interface Tool<I, O> {

    /** The MCP tool name, e.g. "board-status". */
    String name();

    /** What the tool does, written for an agent deciding whether to call it. */
    String description();

    /** JSON Schema of the arguments, with bounds and defaults. */
    JsonNode inputSchema();

    /** JSON Schema of the result's structuredContent. */
    JsonNode outputSchema();

    /**
     * Validates raw arguments into the input record.
     *
     * @throws ToolInputException naming the argument and what was expected
     */
    I parse(JsonNode arguments) throws ToolInputException;

    /** Does the work; reports progress and checks {@code cancel} between steps. */
    O run(I input, Progress progress, Cancellation cancel) throws Exception;

    /** A short human/agent-readable rendering of the result, sent beside structuredContent. */
    String summarize(O output);
}
