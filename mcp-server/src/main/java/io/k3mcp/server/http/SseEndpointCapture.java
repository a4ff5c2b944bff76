package io.k3mcp.server.http;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A legacy SSE stream's response, read as it is written for the session id that its first event (the
 * protocol's {@code endpoint} event, the URL to POST messages to) announces: the SDK keeps the id to
 * itself, and the message URLs that {@link GuardFilter} keys calls by carry it as {@code sessionId}.
 * Only the first {@value #SCAN_LIMIT} characters are looked at.
 */
final class SseEndpointCapture extends HttpServletResponseWrapper {
    private static final int SCAN_LIMIT = 4096;
    private static final Pattern SESSION_ID = Pattern.compile("[?&]sessionId=([^&\\s]+)\\s");

    private final StringBuilder head = new StringBuilder();
    private volatile String sessionId;
    private PrintWriter writer;

    SseEndpointCapture(HttpServletResponse response) {
        super(response);
    }

    /** The announced session id, or null when the response announced none. */
    String sessionId() {
        return sessionId;
    }

    @Override
    public synchronized PrintWriter getWriter() throws IOException {
        if (writer == null) {
            // Wrapping a PrintWriter keeps its error state: checkError() asks the container's writer.
            writer = new PrintWriter(super.getWriter()) {
                @Override
                public void write(String s, int off, int len) {
                    scan(s.substring(off, off + len));
                    super.write(s, off, len);
                }

                @Override
                public void write(char[] buf, int off, int len) {
                    scan(new String(buf, off, len));
                    super.write(buf, off, len);
                }
            };
        }
        return writer;
    }

    private synchronized void scan(String text) {
        if (sessionId != null || head.length() >= SCAN_LIMIT) {
            return;
        }
        head.append(text, 0, Math.min(text.length(), SCAN_LIMIT - head.length()));
        Matcher matcher = SESSION_ID.matcher(head);
        if (matcher.find()) {
            sessionId = URLDecoder.decode(matcher.group(1), StandardCharsets.UTF_8);
            head.setLength(0);
        }
    }
}
