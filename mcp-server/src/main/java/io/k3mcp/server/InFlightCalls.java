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
    /** Cancels that arrived before their call registered (the call runs on another thread). */
    private static final int EARLY_CANCELS_KEPT = 256;

    private final Map<String, Cancellation> calls = new ConcurrentHashMap<>();
    private final Set<String> earlyCancels = Collections.newSetFromMap(
            Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > EARLY_CANCELS_KEPT;
                }
            }));

    /** Registers a call and returns its cancellation flag (already set if its cancel came first). */
    public Cancellation open(String session, String requestKey) {
        Cancellation cancellation = new Cancellation();
        if (session == null || requestKey == null) {
            return cancellation;
        }
        String key = key(session, requestKey);
        calls.put(key, cancellation);
        if (earlyCancels.remove(key)) {
            cancellation.cancel("cancelled by the client before the call started");
        }
        return cancellation;
    }

    /** Forgets a finished call. */
    public void close(String session, String requestKey, Cancellation cancellation) {
        if (session != null && requestKey != null) {
            calls.remove(key(session, requestKey), cancellation);
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
        String key = key(session, requestKey);
        Cancellation cancellation = calls.get(key);
        if (cancellation == null) {
            earlyCancels.add(key);
            log.debug("event=cancel_early session={} request={}", session, requestKey);
            return false;
        }
        cancellation.cancel(reason == null || reason.isBlank() ? "cancelled by the client" : reason);
        log.info("event=cancel session={} request={} reason=\"{}\"", session, requestKey, cancellation.reason());
        return true;
    }

    /** Number of calls now running. */
    public int size() {
        return calls.size();
    }

    private static String key(String session, String requestKey) {
        return session + "|" + requestKey;
    }
}
