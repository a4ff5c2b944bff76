package io.k3mcp.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k3mcp.server.CallKeys;
import io.k3mcp.server.InFlightCalls;
import io.k3mcp.server.ToolCallParams;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In front of the SDK servlets: Origin (403), bearer token (401 with WWW-Authenticate), request size
 * (413), then a look at the JSON-RPC message: a tools/call's id goes into a request attribute for the
 * tool adapter, and {@code notifications/cancelled} cancels the named call (the SDK does not).
 */
final class GuardFilter implements Filter {
    private static final Logger log = LoggerFactory.getLogger(GuardFilter.class);
    /** A body past the cap is still read (and dropped) up to here so the client sees the 413. */
    private static final long DRAIN_LIMIT = 64L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AccessPolicy policy;
    private final int maxRequestBytes;
    private final InFlightCalls inFlight;

    GuardFilter(AccessPolicy policy, int maxRequestBytes, InFlightCalls inFlight) {
        this.policy = policy;
        this.maxRequestBytes = maxRequestBytes;
        this.inFlight = inFlight;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String origin = request.getHeader("Origin");
        if (!AccessPolicy.originAllowed(origin)) {
            log.warn("event=http_refused status=403 origin=\"{}\"", origin);
            reject(response, 403, "Forbidden: Origin " + origin + " is not allowed");
            return;
        }
        if (!policy.authorized(request.getHeader("Authorization"))) {
            boolean given = request.getHeader("Authorization") != null;
            log.warn("event=http_refused status=401 token={}", given ? "wrong" : "missing");
            response.setHeader("WWW-Authenticate", given
                    ? "Bearer realm=\"k3mcp\", error=\"invalid_token\"" : "Bearer realm=\"k3mcp\"");
            reject(response, 401, given ? "Unauthorized: wrong bearer token" : "Unauthorized: bearer token required");
            return;
        }
        if (!"POST".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        long declared = request.getContentLengthLong();
        byte[] body = declared > maxRequestBytes ? null : readAtMost(request.getInputStream(), maxRequestBytes);
        if (body == null) {
            long seen = drain(request.getInputStream());
            long size = Math.max(declared, seen);
            log.warn("event=http_refused status=413 bytes={} max={}", size, maxRequestBytes);
            reject(response, 413, "request too large: " + (declared > 0 ? declared + " bytes" : "over the limit")
                    + "; the limit is " + maxRequestBytes + " bytes");
            return;
        }
        String session = sessionKey(request);
        request.setAttribute(CallKeys.SESSION, session);
        if (inspect(body, session, request, response)) {
            return;
        }
        chain.doFilter(new CachedBodyRequest(request, body), response);
    }

    /**
     * Notes a tools/call's id for the adapter; acts on a cancellation; answers a malformed tools/call on
     * Streamable HTTP (where a JSON reply to the POST is the response). Bodies that are not JSON pass on.
     *
     * @return true when the message was fully handled here
     */
    private boolean inspect(byte[] body, String session, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        JsonNode message;
        try {
            message = JSON.readTree(body);
        } catch (IOException e) {
            log.debug("event=http_body_not_json error=\"{}\"", e.getMessage());
            return false;
        }
        if (message == null || !message.isObject()) {
            return false;
        }
        String method = message.path("method").asText("");
        JsonNode id = message.get("id");
        boolean streamable = request.getHeader("Mcp-Session-Id") != null;
        if (id != null && !id.isNull()) {
            request.setAttribute(CallKeys.REQUEST_ID, CallKeys.requestKey(id.isNumber() ? id.numberValue() : id.asText()));
            String problem = "tools/call".equals(method)
                    ? ToolCallParams.problem(JSON.convertValue(message.get("params"), Object.class)) : null;
            if (problem != null && streamable) {
                // A JSON body is a valid answer to a Streamable HTTP POST.
                writeError(response, 200, id, -32602, "Invalid params: " + problem);
                return true;
            }
        } else if ("notifications/cancelled".equals(method)) {
            JsonNode target = message.path("params").path("requestId");
            String key = target.isNumber() ? CallKeys.requestKey(target.numberValue())
                    : target.isTextual() ? CallKeys.requestKey(target.asText()) : null;
            inFlight.cancel(session, key, message.path("params").path("reason").asText(null));
            // Answered here: the SDK has no handler for cancellations and would only log a warning.
            response.setStatus(streamable ? 202 : 200);
            return true;
        }
        return false;
    }

    /** Streamable HTTP names its session in a header, legacy SSE in the message URL's query. */
    private static String sessionKey(HttpServletRequest request) {
        String header = request.getHeader("Mcp-Session-Id");
        if (header != null) {
            return CallKeys.streamableHttpSession(header);
        }
        String query = request.getQueryString();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("sessionId=")) {
                    return CallKeys.sseSession(URLDecoder.decode(pair.substring(10), StandardCharsets.UTF_8));
                }
            }
        }
        return "http:-";
    }

    /** The whole body, or null when it is longer than {@code max} (then it is only partly read). */
    private static byte[] readAtMost(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (out.size() + n > max) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while (total < DRAIN_LIMIT && (n = in.read(buffer)) > 0) {
            total += n;
        }
        return total;
    }

    private static void reject(HttpServletResponse response, int status, String message) throws IOException {
        writeError(response, status, null, -32600, message);
    }

    /** A JSON-RPC error response; {@code id} null when the request's id is unknown. */
    private static void writeError(HttpServletResponse response, int status, JsonNode id, int code, String message)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        ObjectNode body = JSON.createObjectNode().put("jsonrpc", "2.0");
        body.set("id", id == null ? JSON.nullNode() : id);
        body.set("error", JSON.createObjectNode().put("code", code).put("message", message));
        response.getWriter().write(body.toString());
    }
}
