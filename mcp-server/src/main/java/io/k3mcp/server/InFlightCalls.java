package io.k3mcp.server;

import io.k3mcp.tools.Cancellation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tool calls in flight, by (session, JSON-RPC request id): the SDK has no server-side cancellation, so
 * the transports route {@code notifications/cancelled} here and the running tool sees its
 * {@link Cancellation} set and stops between steps.
 */
public final class InFlightCalls {
    private static final Logger log = LoggerFactory.getLogger(InFlightCalls.class);
    /**
     * How many cancels that arrived before their call registered (the call runs on another thread), and
     * how many ended sessions, are remembered.
     */
    private static final int REMEMBERED = 256;

    private final Map<CallKey, Cancellation> calls = new ConcurrentHashMap<>();
    private final Set<CallKey> earlyCancels = boundedSet();
    /** Sessions whose client is gone: a call of theirs that registers late starts cancelled. */
    private final Set<String> endedSessions = boundedSet();

    /** Registers a call and returns its cancellation flag (already set if its cancel came first). */
    public Cancellation open(String session, String requestKey) {
        Cancellation cancellation = new Cancellation();
        if (session == null || requestKey == null) {
            return cancellation;
        }
        CallKey key = new CallKey(session, requestKey);
        calls.put(key, cancellation);
        if (earlyCancels.remove(key)) {
            cancellation.cancel("cancelled by the client before the call started");
        } else if (endedSessions.contains(session)) {
            cancellation.cancel("the client's session ended before the call started");
        }
        return cancellation;
    }

    /** Forgets a finished call. */
    public void close(String session, String requestKey, Cancellation cancellation) {
        if (session != null && requestKey != null) {
            calls.remove(new CallKey(session, requestKey), cancellation);
        }
    }

    /**
     * Sets the cancellation of one call.
     *
     * @return true when a running call was found
     */
    public boolean cancel(String session, String requestKey, String reason) {
        if (session == null || requestKey == null) {
            log.debug("event=cancel_ignored reason=no_request_id session={}", session);
            return false;
        }
        CallKey key = new CallKey(session, requestKey);
        Cancellation cancellation = calls.get(key);
        if (cancellation == null) {
            earlyCancels.add(key);
            log.debug("event=cancel_early session={} request={}", session, requestKey);
            return false;
        }
        stop(key, cancellation, reason == null || reason.isBlank() ? "cancelled by the client" : reason);
        return true;
    }

    /**
     * Cancels every call of a session whose client is gone (stdin ended, stdout broke, the HTTP session
     * was deleted, the SSE stream closed): each tool sees its {@link Cancellation} set exactly as after a
     * {@code notifications/cancelled}, so a long generation frees its slot and its executor thread.
     *
     * @return how many running calls were cancelled
     */
    public int cancelSession(String session, String reason) {
        if (session == null) {
            return 0;
        }
        // Marked first, so a call registering while the running ones are walked is not missed.
        endedSessions.add(session);
        int cancelled = 0;
        for (Map.Entry<CallKey, Cancellation> call : calls.entrySet()) {
            if (call.getKey().session().equals(session) && !call.getValue().isCancelled()) {
                stop(call.getKey(), call.getValue(), reason);
                cancelled++;
            }
        }
        if (cancelled > 0) {
            log.info("event=cancel_session session={} calls={} reason=\"{}\"", session, cancelled, reason);
        } else {
            log.debug("event=cancel_session session={} calls=0 reason=\"{}\"", session, reason);
        }
        return cancelled;
    }

    /** Number of calls now running. */
    public int size() {
        return calls.size();
    }

    /** The one way a running call is stopped, whether the client named it or its session ended. */
    private static void stop(CallKey key, Cancellation cancellation, String reason) {
        cancellation.cancel(reason);
        log.info("event=cancel session={} request={} reason=\"{}\"", key.session(), key.requestKey(),
                cancellation.reason());
    }

    /** Keeps the latest {@link #REMEMBERED} entries: enough for races, bounded against a chatty client. */
    private static <T> Set<T> boundedSet() {
        return Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<T, Boolean> eldest) {
                return size() > REMEMBERED;
            }
        }));
    }

    /** A call's identity: JSON-RPC ids are only unique within their session. */
    private record CallKey(String session, String requestKey) {
    }
}
