package io.k3mcp.server.http;

import io.k3mcp.server.CallKeys;
import io.k3mcp.server.InFlightCalls;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded servlet container for the HTTP transports: the SDK's servlet (Streamable HTTP or
 * legacy SSE) behind {@link GuardFilter}, on one connector bound to the configured address.
 */
public final class JettyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JettyServer.class);
    /** Each open SSE stream and each running call holds a thread; well above 8 concurrent calls. */
    private static final int MAX_THREADS = 200;

    private final Server server;
    private final ServerConnector connector;

    private JettyServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** Copies what {@link GuardFilter} learned about a request into the SDK's transport context. */
    public static McpTransportContextExtractor<HttpServletRequest> contextExtractor() {
        return request -> {
            Map<String, Object> values = new HashMap<>();
            for (String key : List.of(CallKeys.SESSION, CallKeys.REQUEST_ID)) {
                Object value = request.getAttribute(key);
                if (value != null) {
                    values.put(key, value);
                }
            }
            return McpTransportContext.create(values);
        };
    }

    /**
     * Starts serving each servlet at its path (the MCP servlet at its paths, /metrics beside it), all
     * behind the one guard.
     *
     * @throws Exception when the address cannot be bound
     */
    public static JettyServer start(HttpOptions options, Map<String, HttpServlet> routes, InFlightCalls inFlight)
            throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS);
        threads.setName("k3mcp-http");
        threads.setDaemon(true);
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(options.host());
        connector.setPort(options.port());
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        FilterHolder guard = new FilterHolder(new GuardFilter(new AccessPolicy(options.token()),
                options.maxRequestBytes(), inFlight));
        guard.setAsyncSupported(true);
        context.addFilter(guard, "/*", EnumSet.of(DispatcherType.REQUEST));
        // After the guard: only requests it let through can end a session.
        FilterHolder sessionEnds = new FilterHolder(new SessionEndFilter(inFlight));
        sessionEnds.setAsyncSupported(true);
        context.addFilter(sessionEnds, "/*", EnumSet.of(DispatcherType.REQUEST));
        Map<HttpServlet, ServletHolder> holders = new HashMap<>();
        routes.forEach((path, servlet) -> context.addServlet(holders.computeIfAbsent(servlet, s -> {
            ServletHolder holder = new ServletHolder(s);
            holder.setAsyncSupported(true);
            return holder;
        }), path));
        server.setHandler(context);
        server.setStopTimeout(2000);
        server.start();
        log.info("event=http_listening host={} port={} paths={} auth={}", options.host(), connector.getLocalPort(),
                routes.keySet(), options.token() != null ? "bearer" : "none");
        return new JettyServer(server, connector);
    }

    /** The bound port (useful when 0 was asked for). */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
