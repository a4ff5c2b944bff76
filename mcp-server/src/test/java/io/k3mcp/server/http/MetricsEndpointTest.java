package io.k3mcp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k3mcp.board.BoardProbe;
import io.k3mcp.board.MemoryStatus;
import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.kernels.ReferenceKernels;
import io.k3mcp.server.EngineOptions;
import io.k3mcp.server.ServerLauncher;
import io.k3mcp.server.ServerWiring;
import io.k3mcp.server.metrics.Exposition;
import io.k3mcp.server.metrics.MetricsOptions;
import io.k3mcp.tools.InferenceMetrics;
import io.k3mcp.tools.generate.GenerateTool;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** GET /metrics on both HTTP transports and on a stdio server's --metrics-port, scraped and checked by promtool. */
class MetricsEndpointTest {
    private static final String TOKEN = "scrape-token";
    private static final Path K3 = Path.of("../board/src/test/resources/fixtures/k3-jupiter2");
    private static final Path MODEL = Path.of(System.getProperty("k3mcp.shared", "../../shared"))
            .resolve("models").resolve("llama-mini-q8_0.gguf");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ModelRegistry registry;

    @BeforeAll
    static void openRegistry() {
        registry = new ModelRegistry(ReferenceKernels.INSTANCE, 0);
    }

    @AfterAll
    static void closeRegistry() throws Exception {
        registry.close();
    }

    private static ServerLauncher.Running start(ServerLauncher.Transport transport, MetricsOptions metrics)
            throws Exception {
        InferenceMetrics counts = new InferenceMetrics();
        ServerWiring.Features features = new ServerWiring.Features(
                List.of(new GenerateTool(registry, MODEL, null, io.k3mcp.tools.ModelResolver.PATHS, counts)), List.of(), List.of(), List.of(), counts);
        return ServerLauncher.start(new ServerLauncher.Config(transport,
                        new HttpOptions("127.0.0.1", 0, TOKEN, HttpOptions.DEFAULT_MAX_REQUEST_BYTES),
                        EngineOptions.none(), ServerLauncher.Config.DEFAULT_RESOURCE_UPDATES, metrics),
                features, new PipedInputStream(new PipedOutputStream()), new ByteArrayOutputStream());
    }

    private static HttpResponse<String> get(int port, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Exposition scrape(int port) throws Exception {
        HttpResponse<String> response = get(port, "Authorization", "Bearer " + TOKEN);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("Content-Type").orElse(""));
        return new Exposition(response.body()).checkedByPromtool();
    }

    @ParameterizedTest
    @EnumSource(value = ServerLauncher.Transport.class, names = {"HTTP", "SSE"})
    void aGenerationMovesTheCountersAndTheBoardIsThere(ServerLauncher.Transport transport) throws Exception {
        try (ServerLauncher.Running server = start(transport, new MetricsOptions(true, null, K3))) {
            Exposition before = scrape(server.port());
            assertNull(before.value("k3mcp_tokens_predicted_total", "model", "llama-mini-q8_0", "tool", "generate"));
            assertK3Board(before);

            McpSchema.CallToolResult result;
            try (McpSyncClient client = HttpServerTest.client(transport, server.port(), TOKEN, new ArrayList<>())) {
                result = client.callTool(new McpSchema.CallToolRequest("generate",
                        Map.of("prompt", "Once upon a time", "temperature", 0, "max_tokens", 4)));
            }
            assertFalse(result.isError(), result.toString());
            Map<?, ?> out = (Map<?, ?>) result.structuredContent();
            String[] labels = {"model", "llama-mini-q8_0", "tool", "generate"};
            Exposition after = scrape(server.port());
            assertEquals(((Number) out.get("prompt_tokens")).doubleValue(),
                    after.value("k3mcp_prompt_tokens_total", labels));
            assertEquals(((Number) out.get("completion_tokens")).doubleValue(),
                    after.value("k3mcp_tokens_predicted_total", labels));
            assertEquals(1.0, after.value("k3mcp_requests_total", labels));
            assertEquals(0.0, after.value("k3mcp_requests_processing", labels));
            assertEquals(1.0, after.value("k3mcp_decode_seconds_count", labels));
            assertEquals(1.0, after.value("k3mcp_prefill_seconds_count", labels));
            Map<?, ?> timings = (Map<?, ?>) out.get("timings");
            assertEquals(((Number) timings.get("decode_ms")).doubleValue() / 1000,
                    after.value("k3mcp_decode_seconds_sum", labels), 1e-9);
            assertEquals(1.0, after.value("k3mcp_decode_seconds_bucket", "le", "+Inf", "model", "llama-mini-q8_0",
                    "tool", "generate"));
        }
    }

    /** The K3 fixture's figures (../shared/docs/K3.md, board/src/test/resources/fixtures/README.md). */
    private static void assertK3Board(Exposition e) {
        assertEquals(67.2, e.value("node_hwmon_temp_celsius", "chip", "virtual_thermal_zone0", "sensor", "temp1"));
        assertEquals(1.0, e.value("node_hwmon_chip_names", "chip", "virtual_thermal_zone0",
                "chip_name", "thermal_cluster0"));
        assertEquals(67.2, e.value("node_thermal_zone_temp", "type", "thermal_cluster0", "zone", "0"));
        assertEquals(7, e.count("node_thermal_zone_temp"));
        assertEquals(3194.0, e.value("node_hwmon_fan_rpm", "chip", "platform_cros_ec_hwmon_1_auto", "sensor", "fan1"));
        assertEquals(153.0, e.value("node_hwmon_pwm", "chip", "platform_pwm_fan", "sensor", "pwm1"));
        assertEquals(16, e.count("node_cpu_scaling_frequency_hertz"));
        assertEquals(614.4e6, e.value("node_cpu_scaling_frequency_min_hertz", "cpu", "0"));
        assertEquals(2.4e9, e.value("node_cpu_scaling_frequency_max_hertz", "cpu", "0"));
        assertEquals(2.0e9, e.value("node_cpu_scaling_frequency_max_hertz", "cpu", "8"));
        MemoryStatus memory = new BoardProbe(K3).snapshot().memory();
        assertEquals(memory.totalBytes().doubleValue(), e.value("node_memory_MemTotal_bytes"));
        assertEquals(memory.availableBytes().doubleValue(), e.value("node_memory_MemAvailable_bytes"));
        assertEquals(1.0, e.value("k3mcp_k3_detected"));
        assertEquals(8.0, e.value("k3mcp_ai_cores"));
        assertEquals(1.0, e.value("k3mcp_cpu_core_kind", "cpu", "8", "kind", "ai"));
        assertEquals(1.0, e.value("k3mcp_cpu_core_kind", "cpu", "0", "kind", "general"));
        assertNull(e.value("k3mcp_cpu_core_kind", "cpu", "0", "kind", "ai"));
        assertEquals(1.0, e.value("k3mcp_tcm_present"));
        assertEquals(0.0, e.value("k3mcp_board_read_warnings"));
    }

    @ParameterizedTest
    @EnumSource(value = ServerLauncher.Transport.class, names = {"HTTP", "SSE"})
    void theTokenAndOriginRulesOfTheMcpEndpointsApply(ServerLauncher.Transport transport) throws Exception {
        try (ServerLauncher.Running server = start(transport, new MetricsOptions(true, null, K3))) {
            HttpResponse<String> missing = get(server.port());
            assertEquals(401, missing.statusCode());
            assertEquals("Bearer realm=\"k3mcp\"", missing.headers().firstValue("WWW-Authenticate").orElse(""));
            assertEquals(401, get(server.port(), "Authorization", "Bearer wrong").statusCode());
            HttpResponse<String> foreign = get(server.port(), "Authorization", "Bearer " + TOKEN,
                    "Origin", "https://evil.example");
            assertEquals(403, foreign.statusCode());
            assertTrue(foreign.body().contains("Origin https://evil.example is not allowed"), foreign.body());
            assertEquals(200, get(server.port(), "Authorization", "Bearer " + TOKEN,
                    "Origin", "http://localhost:3000").statusCode());
        }
    }

    @Test
    void withoutMetricsThereIsNoEndpoint() throws Exception {
        try (ServerLauncher.Running server = start(ServerLauncher.Transport.HTTP, MetricsOptions.off())) {
            assertEquals(404, get(server.port(), "Authorization", "Bearer " + TOKEN).statusCode());
        }
    }

    @Test
    void aStdioServerServesMetricsOnItsOwnPortBehindTheToken() throws Exception {
        try (ServerLauncher.Running server = start(ServerLauncher.Transport.STDIO, new MetricsOptions(true, 0, K3))) {
            assertTrue(server.port() > 0);
            assertEquals(401, get(server.port()).statusCode());
            assertEquals(403, get(server.port(), "Authorization", "Bearer " + TOKEN, "Origin", "https://evil.example")
                    .statusCode());
            assertK3Board(scrape(server.port()));
        }
    }

    @Test
    void aTakenMetricsPortStopsTheStartNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IOException e = assertThrows(IOException.class, () -> start(ServerLauncher.Transport.STDIO,
                    new MetricsOptions(true, taken.getLocalPort(), K3)));
            assertTrue(e.getMessage().contains(":" + taken.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void aBoardWithoutSensorsLeavesItsGaugesOut(@TempDir Path empty) throws Exception {
        try (ServerLauncher.Running server = start(ServerLauncher.Transport.HTTP, new MetricsOptions(true, null, empty))) {
            Exposition e = scrape(server.port());
            for (String family : List.of("node_hwmon_temp_celsius", "node_thermal_zone_temp", "node_hwmon_fan_rpm",
                    "node_cpu_scaling_frequency_hertz", "node_memory_MemTotal_bytes", "node_load1", "k3mcp_ai_cores")) {
                assertEquals(0, e.count(family), family);
            }
            assertEquals(0.0, e.value("k3mcp_k3_detected"));
            assertEquals(0.0, e.value("k3mcp_board_read_warnings"), "a missing file is absent, not broken");
        }
    }
}
