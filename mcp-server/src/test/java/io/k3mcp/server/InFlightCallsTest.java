package io.k3mcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k3mcp.tools.Cancellation;
import org.junit.jupiter.api.Test;

class InFlightCallsTest {
    @Test
    void cancelReachesTheCallOfThatSessionAndIdOnly() {
        InFlightCalls calls = new InFlightCalls();
        Cancellation a = calls.open("s1", CallKeys.requestKey(5));
        Cancellation b = calls.open("s2", CallKeys.requestKey(5));
        Cancellation c = calls.open("s1", CallKeys.requestKey("5"));
        assertTrue(calls.cancel("s1", CallKeys.requestKey(5L), "user"));
        assertTrue(a.isCancelled());
        assertEquals("user", a.reason());
        assertFalse(b.isCancelled());
        assertFalse(c.isCancelled());
        calls.close("s1", CallKeys.requestKey(5), a);
        assertEquals(2, calls.size());
    }

    @Test
    void cancelBeforeTheCallRegistersStillCancelsIt() {
        InFlightCalls calls = new InFlightCalls();
        assertFalse(calls.cancel("s", CallKeys.requestKey(9), null));
        assertTrue(calls.open("s", CallKeys.requestKey(9)).isCancelled());
    }

    @Test
    void callsWithoutAnIdCannotBeCancelledButStillRun() {
        InFlightCalls calls = new InFlightCalls();
        assertFalse(calls.open(null, null).isCancelled());
        assertFalse(calls.cancel("s", null, "x"));
        assertEquals(0, calls.size());
    }

    @Test
    void cancelSessionCancelsEveryCallOfThatSessionOnly() {
        InFlightCalls calls = new InFlightCalls();
        Cancellation a = calls.open("s1", CallKeys.requestKey(1));
        Cancellation b = calls.open("s1", CallKeys.requestKey("x"));
        Cancellation other = calls.open("s2", CallKeys.requestKey(1));
        // "s" is a prefix of "s1": sessions are matched whole, not by prefix.
        Cancellation prefix = calls.open("s", CallKeys.requestKey(1));
        assertEquals(2, calls.cancelSession("s1", "stdin closed"));
        assertTrue(a.isCancelled());
        assertTrue(b.isCancelled());
        assertEquals("stdin closed", a.reason());
        assertFalse(other.isCancelled());
        assertFalse(prefix.isCancelled());
        // Already cancelled calls are not counted again.
        assertEquals(0, calls.cancelSession("s1", "again"));
        assertEquals("stdin closed", a.reason());
    }

    @Test
    void callOfAnEndedSessionThatRegistersLateStartsCancelled() {
        InFlightCalls calls = new InFlightCalls();
        assertEquals(0, calls.cancelSession("gone", "session deleted"));
        assertTrue(calls.open("gone", CallKeys.requestKey(3)).isCancelled());
        assertFalse(calls.open("alive", CallKeys.requestKey(3)).isCancelled());
    }

    @Test
    void requestKeysKeepNumbersAndStringsApart() {
        assertEquals(CallKeys.requestKey(3), CallKeys.requestKey(3L));
        assertEquals(CallKeys.requestKey(3), CallKeys.requestKey(3.0));
        assertNotEquals(CallKeys.requestKey(3), CallKeys.requestKey("3"));
    }
}
