package io.k3mcp.server;

import io.k3mcp.engine.session.KernelsChoice;
import io.k3mcp.server.http.HttpOptions;
import io.k3mcp.server.http.JettyServer;
import io.k3mcp.server.metrics.BoardMetrics;
import io.k3mcp.server.metrics.MetricsOptions;
import io.k3mcp.server.metrics.MetricsServlet;
import io.k3mcp.server.stdio.StdioTransportProvider;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.http.HttpServlet;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the MCP server on one transport and stops it cleanly. */
public final class ServerLauncher {
    private static final Logger log = LoggerFactory.getLogger(ServerLauncher.class);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(20);
    public static final String METRICS_PATH = "/metrics";

    public enum Transport { STDIO, HTTP, SSE }

    /**
     * Everything {@code serve} decides.
     *
     * @param resourceUpdates how often subscribers of board://status are told to read it again
     */
    public record Config(Transport transport, HttpOptions http, EngineOptions engine, Duration resourceUpdates,
                         MetricsOptions metrics) {
        public static final Duration DEFAULT_RESOURCE_UPDATES = Duration.ofSeconds(5);

        /** Without /metrics. */
        public Config(Transport transport, HttpOptions http, EngineOptions engine, Duration resourceUpdates) {
            this(transport, http, engine, resourceUpdates, MetricsOptions.off());
        }

        /** Loopback, no token, default limits: for tests and the demo. */
        public static Config local(Transport transport) {
            return new Config(transport, new HttpOptions("127.0.0.1", 0, null, HttpOptions.DEFAULT_MAX_REQUEST_BYTES),
                    EngineOptions.none(), DEFAULT_RESOURCE_UPDATES);
        }
    }

    private ServerLauncher() {
    }

    /** Starts serving; stdio uses {@code in} and {@code out}, the HTTP transports bind a socket. */
    public static Running start(Config config, ServerWiring.Features features, InputStream in, OutputStream out)
            throws Exception {
        InFlightCalls inFlight = new InFlightCalls();
        ExecutorService executor = ToolExecutor.create();
        ToolAdapter adapter = new ToolAdapter(executor, inFlight);
        HttpOptions http = config.http();
        MetricsOptions metrics = config.metrics();
        HttpServlet metricsServlet = !metrics.enabled() ? null : new MetricsServlet(features.metrics(),
                new BoardMetrics(metrics.boardRoot(), engineCpus(config.engine())));
        switch (config.transport()) {
            case STDIO -> {
                // stdio has no HTTP listener of its own: /metrics gets one, with the same host and token rules,
                // bound first so that a taken port stops the start before the session reads stdin.
                JettyServer metricsHttp = metricsServlet == null || metrics.stdioPort() == null ? null
                        : JettyServer.start(new HttpOptions(http.host(), metrics.stdioPort(), http.token(),
                                http.maxRequestBytes()), Map.of(METRICS_PATH, metricsServlet), inFlight);
                StdioTransportProvider stdio = new StdioTransportProvider(ServerWiring.jsonMapper(), in, out,
                        http.maxRequestBytes(), inFlight);
                McpAsyncServer server = ServerWiring.build(stdio, features, adapter);
                Running running = new Running(server, metricsHttp, executor, stdio::awaitTermination,
                        ResourceUpdates.start(server, features, config.resourceUpdates()));
                log.info("event=serving transport=stdio tools={} metrics={}", toolNames(features),
                        metricsHttp == null ? "off" : "http://" + http.host() + ":" + metricsHttp.port() + METRICS_PATH);
                return running;
            }
            case HTTP -> {
                HttpServletStreamableServerTransportProvider provider = HttpServletStreamableServerTransportProvider
                        .builder().jsonMapper(ServerWiring.jsonMapper()).mcpEndpoint("/mcp")
                        .contextExtractor(JettyServer.contextExtractor()).keepAliveInterval(KEEP_ALIVE)
                        .maxRequestSize(http.maxRequestBytes()).build();
                McpAsyncServer server = ServerWiring.build(provider, features, adapter);
                JettyServer jetty = JettyServer.start(http, routes(provider, List.of("/mcp"), metricsServlet), inFlight);
                Running running = new Running(server, jetty, executor, null,
                        ResourceUpdates.start(server, features, config.resourceUpdates()));
                log.info("event=serving transport=http url=http://{}:{}/mcp tools={}", http.host(), jetty.port(),
                        toolNames(features));
                return running;
            }
            case SSE -> {
                HttpServletSseServerTransportProvider provider = HttpServletSseServerTransportProvider.builder()
                        .jsonMapper(ServerWiring.jsonMapper()).sseEndpoint("/sse").messageEndpoint("/message")
                        .contextExtractor(JettyServer.contextExtractor()).keepAliveInterval(KEEP_ALIVE)
                        .maxRequestSize(http.maxRequestBytes()).build();
                McpAsyncServer server = ServerWiring.build(provider, features, adapter);
                JettyServer jetty = JettyServer.start(http, routes(provider, List.of("/sse", "/message"), metricsServlet),
                        inFlight);
                Running running = new Running(server, jetty, executor, null,
                        ResourceUpdates.start(server, features, config.resourceUpdates()));
                log.info("event=serving transport=sse url=http://{}:{}/sse tools={}", http.host(), jetty.port(),
                        toolNames(features));
                return running;
            }
            default -> throw new IllegalStateException("unknown transport " + config.transport());
        }
    }

    private static int[] engineCpus(EngineOptions engine) {
        int[] cpus = KernelsChoice.parseCpuList(engine.cores());
        return cpus == null ? new int[0] : cpus;
    }

    /** The MCP servlet at its paths, and /metrics when asked for. */
    private static Map<String, HttpServlet> routes(HttpServlet mcp, List<String> paths, HttpServlet metrics) {
        Map<String, HttpServlet> routes = new LinkedHashMap<>();
        paths.forEach(path -> routes.put(path, mcp));
        if (metrics != null) {
            routes.put(METRICS_PATH, metrics);
        }
        return routes;
    }

    private static List<String> toolNames(ServerWiring.Features features) {
        return features.tools().stream().map(t -> t.name()).toList();
    }

    /** Waits for the end of a transport's input (stdio) or forever (HTTP, ended by {@link Running#close}). */
    @FunctionalInterface
    interface Termination {
        void await() throws InterruptedException;
    }

    /** A started server. */
    public static final class Running implements AutoCloseable {
        private final McpAsyncServer server;
        private final JettyServer jetty;
        private final ExecutorService executor;
        private final Termination termination;
        private final AutoCloseable updates;
        private final CountDownLatch closed = new CountDownLatch(1);

        Running(McpAsyncServer server, JettyServer jetty, ExecutorService executor, Termination termination,
                AutoCloseable updates) {
            this.server = server;
            this.jetty = jetty;
            this.executor = executor;
            this.termination = termination;
            this.updates = updates;
        }

        /** The HTTP port (on stdio, the --metrics-port listener's), or -1 when there is no listener. */
        public int port() {
            return jetty == null ? -1 : jetty.port();
        }

        /** The SDK server (to send notifications such as resource updates). */
        public McpAsyncServer server() {
            return server;
        }

        /** Blocks until stdin ends (stdio) or {@link #close} is called. */
        public void awaitTermination() throws InterruptedException {
            if (termination != null) {
                Thread waiter = new Thread(() -> {
                    try {
                        termination.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    closed.countDown();
                }, "k3mcp-stdio-wait");
                waiter.setDaemon(true);
                waiter.start();
            }
            closed.await();
        }

        @Override
        public synchronized void close() {
            if (closed.getCount() == 0 && executor.isShutdown()) {
                return;
            }
            log.info("event=shutdown");
            try {
                updates.close();
            } catch (Exception e) {
                log.warn("event=shutdown_updates_failed error=\"{}\"", e.getMessage());
            }
            try {
                server.closeGracefully().block(Duration.ofSeconds(3));
            } catch (RuntimeException e) {
                log.warn("event=shutdown_mcp_failed error=\"{}\"", e.getMessage());
            }
            if (jetty != null) {
                try {
                    jetty.close();
                } catch (Exception e) {
                    log.warn("event=shutdown_http_failed error=\"{}\"", e.getMessage());
                }
            }
            executor.shutdownNow();
            closed.countDown();
        }
    }
}
