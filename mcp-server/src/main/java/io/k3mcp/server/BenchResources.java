package io.k3mcp.server;

import io.k3mcp.tools.bench.BenchHistory;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/** {@code bench://history}: the benchmark history file (one JSON line per run), empty until the first run. */
public final class BenchResources {
    public static final String HISTORY_URI = "bench://history";
    private static final String MIME = "application/x-ndjson";

    private BenchResources() {
    }

    public static List<McpServerFeatures.AsyncResourceSpecification> all(BenchHistory history) {
        McpSchema.Resource resource = McpSchema.Resource.builder().uri(HISTORY_URI).name("bench-history")
                .title("Benchmark history")
                .description("Every benchmark run as one JSON line: time, configuration key, rows (llama-bench fields) and turns.")
                .mimeType(MIME).build();
        return List.of(new McpServerFeatures.AsyncResourceSpecification(resource,
                (exchange, request) -> Mono.fromCallable(() -> read(history))));
    }

    static McpSchema.ReadResourceResult read(BenchHistory history) {
        try {
            String text = Files.isRegularFile(history.file()) ? Files.readString(history.file(), StandardCharsets.UTF_8) : "";
            return new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(HISTORY_URI, MIME, text)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the benchmark history " + history.file() + ": " + e.getMessage(), e);
        }
    }
}
