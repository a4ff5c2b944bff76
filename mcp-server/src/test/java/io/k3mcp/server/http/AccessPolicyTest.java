package io.k3mcp.server.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AccessPolicyTest {
    @Test
    void originMustBeAbsentOrLoopback() {
        assertTrue(AccessPolicy.originAllowed(null));
        assertTrue(AccessPolicy.originAllowed("http://localhost:5173"));
        assertTrue(AccessPolicy.originAllowed("http://127.0.0.1"));
        assertTrue(AccessPolicy.originAllowed("https://[::1]:8443"));
        assertFalse(AccessPolicy.originAllowed("https://evil.example"));
        assertFalse(AccessPolicy.originAllowed("http://localhost.evil.example"));
        assertFalse(AccessPolicy.originAllowed("null"));
        assertFalse(AccessPolicy.originAllowed("file://localhost/x"));
        assertFalse(AccessPolicy.originAllowed("http://[broken"));
    }

    @Test
    void bearerTokenIsCheckedWhenConfigured() {
        AccessPolicy open = new AccessPolicy(null);
        assertTrue(open.authorized(null));
        AccessPolicy locked = new AccessPolicy("t0k");
        assertTrue(locked.authorized("Bearer t0k"));
        assertTrue(locked.authorized("bearer t0k"));
        assertFalse(locked.authorized(null));
        assertFalse(locked.authorized("Bearer t0"));
        assertFalse(locked.authorized("Basic t0k"));
        assertFalse(locked.authorized("Bearer"));
    }
}
