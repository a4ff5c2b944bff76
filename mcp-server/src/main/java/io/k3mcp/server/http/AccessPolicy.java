package io.k3mcp.server.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;

/**
 * Who may talk to the HTTP transports. Origin: browsers send it, and a page on a foreign site must
 * not reach a local server (DNS rebinding), so only an absent Origin or a loopback one passes.
 * Token: when one is configured every request needs {@code Authorization: Bearer <token>}.
 */
public final class AccessPolicy {
    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final String token;

    /** @param token the bearer token, or null when the server is loopback-only without one */
    public AccessPolicy(String token) {
        this.token = token == null || token.isEmpty() ? null : token;
    }

    public boolean tokenRequired() {
        return token != null;
    }

    /** True when an Origin header value (or its absence, null) is acceptable. */
    public static boolean originAllowed(String origin) {
        if (origin == null) {
            return true;
        }
        try {
            URI uri = new URI(origin.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && LOOPBACK_HOSTS.contains(host);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** True when the Authorization header value carries the configured token (always, without one). */
    public boolean authorized(String authorization) {
        if (token == null) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
    }
}
