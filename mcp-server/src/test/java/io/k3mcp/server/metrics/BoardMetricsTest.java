package io.k3mcp.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.k3mcp.tools.InferenceMetrics;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Board gauges from the fixture trees, written as a scrape would write them and checked by promtool. */
class BoardMetricsTest {
    private static final Path FIXTURES = Path.of("../board/src/test/resources/fixtures");

    private static Exposition scrape(String fixture, int... engineCpus) throws Exception {
        return scrape(FIXTURES.resolve(fixture), engineCpus);
    }

    private static Exposition scrape(Path root, int... engineCpus) throws Exception {
        MetricsServlet servlet = new MetricsServlet(new InferenceMetrics(), new BoardMetrics(root, engineCpus));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, servlet.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        return new Exposition(out.toString(StandardCharsets.UTF_8)).checkedByPromtool();
    }

    @Test
    void anX86ServerHasNodeExportersCoretempChipAndNoK3Section() throws Exception {
        Exposition e = scrape("x86-server");
        assertEquals(48.0, e.value("node_hwmon_temp_celsius", "chip", "platform_coretemp_0", "sensor", "temp1"));
        assertEquals(1.0, e.value("node_hwmon_sensor_label", "chip", "platform_coretemp_0", "label", "Package id 0",
                "sensor", "temp1"));
        assertEquals(1.0, e.value("node_hwmon_chip_names", "chip", "platform_coretemp_0", "chip_name", "coretemp"));
        assertEquals(1.0, e.value("node_hwmon_chip_names", "chip", "platform_nct6775_656", "chip_name", "nct6779"));
        assertEquals(fixtureVolts("in0_input"), e.value("node_hwmon_in_volts", "chip", "platform_nct6775_656",
                "sensor", "in0"));
        assertEquals(0.0, e.value("k3mcp_k3_detected"));
        assertEquals(0, e.count("k3mcp_cpu_core_kind"));
        assertNull(e.value("k3mcp_tcm_present"));
    }

    /** A millivolt file of the x86 fixture's nct6779 chip, in volts. */
    private static double fixtureVolts(String file) throws Exception {
        return Long.parseLong(Files.readString(FIXTURES.resolve(
                "x86-server/sys/devices/platform/nct6775.656/hwmon/hwmon1").resolve(file)).strip()) / 1000.0;
    }

    @Test
    void engineWorkersPinnedToA100sShowAsAiPlacement() throws Exception {
        Exposition e = scrape("k3-jupiter2", 8, 9, 10, 11, 0);
        assertEquals(5, e.count("k3mcp_engine_cpu_pinned"));
        assertEquals(1.0, e.value("k3mcp_engine_cpu_pinned", "cpu", "8", "kind", "ai"));
        assertEquals(1.0, e.value("k3mcp_engine_cpu_pinned", "cpu", "11", "kind", "ai"));
        assertEquals(1.0, e.value("k3mcp_engine_cpu_pinned", "cpu", "0", "kind", "general"));
    }

    @Test
    void chipLabelsFollowTheDevicePath() {
        assertEquals("platform_coretemp_0", BoardMetrics.chipLabel("hwmon0", "/sys/devices/platform/coretemp.0"));
        assertEquals("hwmon3", BoardMetrics.chipLabel("hwmon3", null));
        assertEquals("virtual", BoardMetrics.chipLabel("hwmon1", "/sys/devices/virtual"));
    }

    @Test
    void aBrokenFileLeavesItsGaugeOutAndIsCounted(@TempDir Path root) throws Exception {
        Path zone = Files.createDirectories(root.resolve("sys/class/thermal/thermal_zone0"));
        Files.writeString(zone.resolve("type"), "soc\n");
        Files.writeString(zone.resolve("temp"), "hot\n");
        Files.createDirectories(root.resolve("proc/meminfo")); // a directory where the file belongs
        Files.writeString(root.resolve("proc/loadavg"), "0.50 0.40 0.30 1/100 42\n");
        Exposition e = scrape(root);
        assertEquals(0, e.count("node_thermal_zone_temp"));
        assertEquals(0, e.count("node_memory_MemTotal_bytes"));
        assertEquals(0.5, e.value("node_load1"));
        assertEquals(2.0, e.value("k3mcp_board_read_warnings"));
    }
}
