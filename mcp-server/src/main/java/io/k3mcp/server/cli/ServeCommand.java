package io.k3mcp.server.cli;

import io.k3mcp.engine.gguf.GgufException;
import io.k3mcp.engine.model.UnsupportedModelException;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.model.ModelConfig;
import io.k3mcp.engine.session.ContextSize;
import io.k3mcp.engine.session.FreeMemory;
import io.k3mcp.engine.session.KvType;
import io.k3mcp.engine.session.KvTypeException;
import io.k3mcp.engine.session.ContextSizeException;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.server.EngineOptions;
import io.k3mcp.server.ServerFeatures;
import io.k3mcp.server.ServerLauncher;
import io.k3mcp.server.http.HttpOptions;
import io.k3mcp.server.metrics.MetricsOptions;
import io.k3mcp.engine.session.Session;
import io.k3mcp.tools.BenchHistory;
import io.k3mcp.tools.models.ModelsDirException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.slf4j.LoggerFactory;

/** {@code k3mcp serve}: the MCP server on stdio, Streamable HTTP (/mcp) or legacy HTTP+SSE (/sse, /message). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the MCP server (stdio, Streamable HTTP at /mcp, or HTTP+SSE at /sse + /message).")
public final class ServeCommand implements Callable<Integer> {

    enum TransportName { stdio, http, sse }

    @Mixin
    CommonOptions common;

    @Mixin
    ModelOptions models = new ModelOptions();

    @Option(names = "--transport", defaultValue = "stdio",
            description = "stdio, http (Streamable HTTP at /mcp) or sse (legacy HTTP+SSE). Default: ${DEFAULT-VALUE}.")
    TransportName transport;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to bind (HTTP transports). Non-loopback addresses need a token. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "8765", description = "TCP port (HTTP transports). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--token", description = "Bearer token every HTTP request must carry.")
    String token;

    @Option(names = "--token-file", description = "File holding the bearer token (first line).")
    Path tokenFile;

    @Option(names = "--max-request-bytes", defaultValue = "4194304",
            description = "Largest request accepted; larger ones are refused (HTTP 413). Default: ${DEFAULT-VALUE}.")
    int maxRequestBytes;

    @Option(names = "--model", description = "Generation model (GGUF) for the generate and benchmark tools.")
    Path model;

    @Mixin
    ContextSizeOption context;

    @Mixin
    KvTypeOptions kvTypes;

    @Option(names = "--embed-model", description = "Embedding model (GGUF) for the embed tool.")
    Path embedModel;

    @Option(names = "--threads", description = "Worker threads for the engine.")
    Integer threads;

    @Option(names = "--cores", description = "CPU list for the engine workers: 0-3,6, or x100 / a100 on a K3.")
    String cores;

    @Option(names = "--parallel", defaultValue = "4",
            description = "Sequence slots per generation model: concurrent generate calls share every forward pass (continuous batching). Default: ${DEFAULT-VALUE}.")
    int parallel;

    @Option(names = "--cache-ram", paramLabel = "MiB",
            description = "Prefix cache per generation model in MiB: KV rows of recent calls, resumed by later calls that share their prefix (0: off). Default: an eighth of free memory, at most 4096.")
    Long cacheRamMib;

    @Option(names = "--data-dir",
            description = "Where benchmark history is kept. Default: $XDG_DATA_HOME/k3mcp or ~/.local/share/k3mcp.")
    Path dataDir;

    @Option(names = "--resource-update-ms", defaultValue = "5000",
            description = "How often subscribers of board://status are told it changed. Default: ${DEFAULT-VALUE}.")
    long resourceUpdateMs;

    @Option(names = "--metrics",
            description = "Serve GET /metrics (Prometheus text format: board gauges, inference counters) beside the "
                    + "MCP endpoint, behind the same token and Origin rules. On stdio give --metrics-port.")
    boolean metrics;

    @Option(names = "--metrics-port",
            description = "With --transport stdio: serve /metrics on this TCP port at --host (implies --metrics).")
    Integer metricsPort;

    @Override
    public Integer call() throws Exception {
        if (common != null && common.verbose) {
            // Read by slf4j-simple when the first logger is made, which is after this point.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        }
        ServerLauncher.Config config = config();
        OutputStream wire = new FileOutputStream(FileDescriptor.out);
        // stdout is the wire under stdio: anything a library prints by mistake goes to stderr instead.
        System.setOut(System.err);
        // The hook goes in before the server starts, so a SIGTERM at any moment still closes it cleanly.
        AtomicReference<ServerLauncher.Running> started = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ServerLauncher.Running running = started.get();
            if (running != null) {
                running.close();
            } else {
                System.err.println("k3mcp: event=shutdown phase=starting");
            }
        }, "k3mcp-shutdown"));
        try (ServerLauncher.Running running = ServerLauncher.start(config,
                ServerFeatures.create(config.engine(), dataDir()), new FileInputStream(FileDescriptor.in), wire)) {
            started.set(running);
            running.awaitTermination();
        }
        return 0;
    }

    /**
     * Checks the flags together; a bad combination is a usage error (exit status 2), a wrong models.json a
     * runtime error (exit status 1).
     */
    public ServerLauncher.Config config() throws ModelsDirException {
        if (port < 0 || port > 65535) {
            throw new UsageException("--port: " + port + " is not a TCP port (0-65535)");
        }
        if (maxRequestBytes < 1024) {
            throw new UsageException("--max-request-bytes: " + maxRequestBytes + " is too small (at least 1024)");
        }
        if (parallel < 1 || parallel > Session.MAX_PARALLEL) {
            throw new UsageException("--parallel: " + parallel + " sequence slots; give 1.." + Session.MAX_PARALLEL);
        }
        if (cacheRamMib != null && (cacheRamMib < 0 || cacheRamMib > EngineOptions.MAX_CACHE_RAM_MIB)) {
            throw new UsageException("--cache-ram: " + cacheRamMib + " MiB; give 0 (off) .. " + EngineOptions.MAX_CACHE_RAM_MIB);
        }
        if (threads != null && threads < 1) {
            throw new UsageException("--threads: " + threads + " must be at least 1");
        }
        for (Path file : new Path[] {model, embedModel}) {
            if (file != null && !Files.isRegularFile(file)) {
                throw new UsageException((file == model ? "--model" : "--embed-model") + ": no such file: " + file);
            }
        }
        GgmlType kvType = kvTypes == null ? GgmlType.F16 : kvTypes.type();
        int ctxSize = checkedContext(kvType);
        String bearer = bearerToken();
        MetricsOptions metricsOptions = metricsOptions();
        boolean listens = transport != TransportName.stdio || metricsOptions.stdioPort() != null;
        if (listens && bearer == null && !isLoopback(host)) {
            throw new UsageException("--host " + host + " is not a loopback address: give --token or --token-file "
                    + "so that only clients with the token can connect");
        }
        ServerLauncher.Transport kind = switch (transport) {
            case stdio -> ServerLauncher.Transport.STDIO;
            case http -> ServerLauncher.Transport.HTTP;
            case sse -> ServerLauncher.Transport.SSE;
        };
        if (resourceUpdateMs < 100) {
            throw new UsageException("--resource-update-ms: " + resourceUpdateMs + " is too short (at least 100)");
        }
        // Over stdio the client is the user's own process; over HTTP, model paths must lie below a models directory.
        // x100 / a100 resolved here, so a list that does not resolve is a usage error before anything starts
        EngineOptions engine = new EngineOptions(model, embedModel, threads, CoreOption.numeric(cores),
                models.catalog(kind == ServerLauncher.Transport.STDIO, System.getenv()), models.limits(), ctxSize, kvType,
                parallel, cacheRamMib);
        return new ServerLauncher.Config(kind, new HttpOptions(host, port, bearer, maxRequestBytes), engine,
                Duration.ofMillis(resourceUpdateMs), metricsOptions);
    }

    /**
     * --ctx-size and the KV type, checked against the model's trained context, its head sizes and the free
     * memory before anything starts.
     */
    private int checkedContext(GgmlType kvType) {
        int ctxSize = context == null ? 0 : context.value();
        if (model == null) {
            return ctxSize;
        }
        try {
            ModelConfig config = Model.readConfig(model);
            KvType.check(config, kvType);
            ContextSize chosen = ContextSize.choose(config, ctxSize, kvType, FreeMemory.available());
            LoggerFactory.getLogger(ServeCommand.class).info("context tokens={} reason=\"{}\" kv_bytes_full={}", chosen.tokens(),
                    chosen.reason(), chosen.cacheBytes());
        } catch (ContextSizeException e) {
            throw ContextSizeOption.usage(e);
        } catch (KvTypeException e) {
            throw KvTypeOptions.usage(e);
        } catch (IOException | UnsupportedModelException | GgufException e) {
            // the file exists (checked above): a file that does not load is a runtime error, as for every other command
            throw new IllegalStateException("cannot load model " + model + ": " + e.getMessage(), e);
        }
        return ctxSize;
    }

    /** /metrics rides on the HTTP transports' port; a stdio server needs a port of its own for it. */
    private MetricsOptions metricsOptions() {
        if (metricsPort != null && transport != TransportName.stdio) {
            throw new UsageException("--metrics-port: only for --transport stdio; with --transport " + transport
                    + " give --metrics and /metrics is served on --port");
        }
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw new UsageException("--metrics-port: " + metricsPort + " is not a TCP port (0-65535)");
        }
        if (metrics && transport == TransportName.stdio && metricsPort == null) {
            throw new UsageException("--metrics: a stdio server has no HTTP port; give --metrics-port PORT");
        }
        return metrics || metricsPort != null ? MetricsOptions.on(metricsPort) : MetricsOptions.off();
    }

    private Path dataDir() {
        return dataDir != null ? dataDir : BenchHistory.defaultDataDir(System.getenv());
    }

    private String bearerToken() {
        if (token != null && tokenFile != null) {
            throw new UsageException("--token and --token-file: give one, not both");
        }
        String value = token;
        if (tokenFile != null) {
            try {
                value = Files.readAllLines(tokenFile).stream().findFirst().orElse("").trim();
            } catch (IOException e) {
                throw new UsageException("--token-file: cannot read " + tokenFile + ": " + e.getMessage());
            }
            if (value.isEmpty()) {
                throw new UsageException("--token-file: " + tokenFile + " is empty");
            }
        }
        if (value != null && value.isBlank()) {
            throw new UsageException("--token: the token is empty");
        }
        return value;
    }

    private static boolean isLoopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new UsageException("--host: unknown host " + host);
        }
    }
}
