package io.k3mcp.server.http;

import io.k3mcp.server.CallKeys;
import io.k3mcp.server.InFlightCalls;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Cancels the calls of an HTTP session when it ends, which the SDK's servlets do not: a Streamable HTTP
 * session when the client DELETEs it, a legacy SSE session when its stream closes (the client went
 * away, which the SDK notices at its next write to the stream, or the server ended it). A dropped
 * Streamable HTTP connection is not an end: the session lives on, and the protocol has the client send
 * {@code notifications/cancelled} for the calls it gives up. Sessions the SDK expires on its own are not
 * seen here (it offers no hook).
 */
final class SessionEndFilter implements Filter {
    private static final String SESSION_HEADER = "Mcp-Session-Id";

    private final InFlightCalls inFlight;

    SessionEndFilter(InFlightCalls inFlight) {
        this.inFlight = inFlight;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String streamableSession = request.getHeader(SESSION_HEADER);
        if ("DELETE".equals(request.getMethod()) && streamableSession != null) {
            chain.doFilter(request, response);
            // 200 is the SDK's answer when it found and closed the session.
            if (response.getStatus() == HttpServletResponse.SC_OK) {
                inFlight.cancelSession(CallKeys.streamableHttpSession(streamableSession),
                        "the client deleted its session");
            }
            return;
        }
        if ("GET".equals(request.getMethod()) && streamableSession == null) {
            SseEndpointCapture stream = new SseEndpointCapture(response);
            chain.doFilter(request, stream);
            watchStream(request, stream.sessionId());
            return;
        }
        chain.doFilter(request, response);
    }

    /** A GET that opened a legacy SSE stream (it announced a session): cancel that session's calls when it ends. */
    private void watchStream(HttpServletRequest request, String sessionId) {
        if (sessionId == null) {
            return;
        }
        String session = CallKeys.sseSession(sessionId);
        if (!request.isAsyncStarted()) {
            inFlight.cancelSession(session, "the SSE stream ended");
            return;
        }
        request.getAsyncContext().addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                inFlight.cancelSession(session, "the SSE stream closed");
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                inFlight.cancelSession(session, "the SSE stream timed out");
            }

            @Override
            public void onError(AsyncEvent event) {
                Throwable error = event.getThrowable();
                inFlight.cancelSession(session, "the SSE stream failed: "
                        + (error == null ? "unknown error" : error.getMessage()));
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // The stream is started once; a restart would carry its own listeners.
                event.getAsyncContext().addListener(this);
            }
        });
    }
}
