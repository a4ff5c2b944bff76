package io.k3mcp.server;

/**
 * Keys the transports put into the SDK's {@code McpTransportContext} so that a tool call knows which
 * session and JSON-RPC request it belongs to: the SDK does not hand the request id to tool handlers,
 * and cancellation ({@code notifications/cancelled}) names calls by that id.
 */
public final class CallKeys {
    /** The transport session the message arrived on ("stdio", "http:<Mcp-Session-Id>", "sse:<id>"). */
    public static final String SESSION = "k3mcp.session";
    /** The JSON-RPC id of a tools/call request, as {@link #requestKey} renders it. */
    public static final String REQUEST_ID = "k3mcp.request_id";

    private CallKeys() {
    }

    /** The {@link #SESSION} of a Streamable HTTP session, from its Mcp-Session-Id header. */
    public static String streamableHttpSession(String mcpSessionId) {
        return "http:" + mcpSessionId;
    }

    /** The {@link #SESSION} of a legacy SSE session, from the sessionId of its message URL. */
    public static String sseSession(String sessionId) {
        return "sse:" + sessionId;
    }

    /**
     * A JSON-RPC id as a map key: numbers and strings are different ids ({@code 1} is not {@code "1"}),
     * so the kind is part of the key. Integral numbers render without a fraction whatever their Java type.
     */
    public static String requestKey(Object id) {
        if (id == null) {
            return null;
        }
        if (id instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && !Double.isInfinite(d) ? "n:" + n.longValue() : "n:" + d;
        }
        return "s:" + id;
    }
}
