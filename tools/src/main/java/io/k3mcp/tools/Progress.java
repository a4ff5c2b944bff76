package io.k3mcp.tools;

/** Progress of a long tool call (MCP progress notifications when the client asked for them). */
@FunctionalInterface
public interface Progress {
    /** @param done work done so far; @param total total work, or null when unknown; @param message short status */
    void report(double done, Double total, String message);

    Progress NONE = (done, total, message) -> { };
}
