package io.k3mcp.server.metrics;

import java.nio.file.Path;

/**
 * What {@code serve --metrics} asked for.
 *
 * @param enabled   serve GET /metrics
 * @param stdioPort the port of the metrics-only HTTP listener of a stdio server (--metrics-port); null on
 *                  the HTTP transports, which serve /metrics beside the MCP endpoint
 * @param boardRoot the root the board gauges are read below ("/" live, a fixture tree in tests)
 */
public record MetricsOptions(boolean enabled, Integer stdioPort, Path boardRoot) {
    public static MetricsOptions off() {
        return new MetricsOptions(false, null, Path.of("/"));
    }

    /** /metrics on this machine's board; {@code stdioPort} null on the HTTP transports. */
    public static MetricsOptions on(Integer stdioPort) {
        return new MetricsOptions(true, stdioPort, Path.of("/"));
    }
}
