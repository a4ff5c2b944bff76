package io.k3mcp.server.http;

/**
 * Where and how the HTTP transports listen.
 *
 * @param host bind address (127.0.0.1 by default; anything else needs a token)
 * @param port TCP port; 0 picks a free one (tests)
 * @param token bearer token, or null
 * @param maxRequestBytes largest request body accepted; larger ones get 413
 */
public record HttpOptions(String host, int port, String token, int maxRequestBytes) {
    public static final int DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;
}
