package io.k3mcp.server.metrics;

import io.k3mcp.board.BoardProbe;
import io.k3mcp.board.BoardStatus;
import io.k3mcp.board.CpuStatus;
import io.k3mcp.board.FanChannel;
import io.k3mcp.board.HwmonTemperature;
import io.k3mcp.board.K3Status;
import io.k3mcp.board.MemoryStatus;
import io.k3mcp.board.PowerSensor;
import io.k3mcp.board.ThermalZone;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The board, read through {@link BoardProbe} at every scrape, as gauges with node_exporter's names and
 * units where it has one (node_hwmon_*, node_thermal_zone_temp, node_cpu_scaling_frequency_*,
 * node_memory_*, node_load*) and the K3 specifics under k3mcp_. A file that is missing leaves its
 * gauge out; nothing here fails a scrape because a board lacks a sensor.
 */
public final class BoardMetrics implements MultiCollector {
    private final Path root;
    private final int[] engineCpus;

    /**
     * @param root       the filesystem root the probes read below ("/" live, a fixture tree in tests)
     * @param engineCpus the cpus serve --cores pinned the engine's workers to; empty when not pinned
     */
    public BoardMetrics(Path root, int[] engineCpus) {
        this.root = root;
        this.engineCpus = engineCpus.clone();
    }

    @Override
    public MetricSnapshots collect() {
        // A fresh probe each scrape: its warning list must not grow for as long as the server runs.
        BoardProbe probe = new BoardProbe(root);
        BoardStatus status = probe.snapshot();
        Gauges g = new Gauges();
        hwmon(g, probe, status);
        for (ThermalZone z : status.thermal()) {
            g.add("node_thermal_zone_temp", "Zone temperature in Celsius", z.tempC(),
                    "zone", z.zone().replace("thermal_zone", ""), "type", z.type());
        }
        cpus(g, status.cpu());
        memory(g, status.memory());
        k3(g, status.k3());
        for (int cpu : engineCpus) {
            boolean ai = status.k3().detected() && status.k3().aiCpus().contains(cpu);
            g.add("k3mcp_engine_cpu_pinned", "1 for each cpu the engine's workers are pinned to (serve --cores), "
                    + "with its kind (ai: a fenced K3 A100 core).", 1.0, "cpu", Integer.toString(cpu),
                    "kind", ai ? "ai" : "general");
        }
        // As node_exporter's node_scrape_collector_success: a broken file leaves its gauge out, and is counted here.
        g.add("k3mcp_board_read_warnings", "Board files that exist but could not be read in this scrape.",
                (double) probe.warnings().size());
        return g.snapshots();
    }

    private static void hwmon(Gauges g, BoardProbe probe, BoardStatus status) {
        Map<String, String> chipNames = new LinkedHashMap<>();
        for (HwmonTemperature t : probe.hwmonTemperatures()) {
            String chip = chipLabel(t.hwmon(), t.device());
            chipNames.put(chip, t.chip());
            g.add("node_hwmon_temp_celsius", "Hardware monitor for temperature (input)", t.celsius(),
                    "chip", chip, "sensor", "temp" + t.channel());
            if (t.label() != null) {
                g.add("node_hwmon_sensor_label", "Label for given chip and sensor", 1.0,
                        "chip", chip, "label", t.label(), "sensor", "temp" + t.channel());
            }
        }
        for (FanChannel f : status.fans()) {
            String chip = chipLabel(f.hwmon(), f.device());
            chipNames.put(chip, f.chip());
            g.add("node_hwmon_fan_rpm", "Hardware monitor for fan revolutions per minute (input)",
                    f.rpm() == null ? null : f.rpm().doubleValue(), "chip", chip, "sensor", "fan" + f.channel());
            g.add("node_hwmon_pwm", "Hardware monitor pwm element", f.pwm() == null ? null : f.pwm().doubleValue(),
                    "chip", chip, "sensor", "pwm" + f.channel());
        }
        Map<String, String> devices = probe.hwmonDevices();
        for (PowerSensor p : status.power()) {
            String chip = chipLabel(p.hwmon(), devices.get(p.hwmon()));
            chipNames.put(chip, p.chip());
            // Power (an input or an average, which node_exporter names apart) and energy (a counter) are left out.
            if (p.kind().equals("voltage")) {
                g.add("node_hwmon_in_volts", "Hardware monitor for voltage (input)", p.volts(), "chip", chip,
                        "sensor", p.sensor());
            } else if (p.kind().equals("current")) {
                g.add("node_hwmon_curr_amps", "Hardware monitor for current (input)", p.amps(), "chip", chip,
                        "sensor", p.sensor());
            }
        }
        chipNames.forEach((chip, name) -> {
            if (name != null) {
                g.add("node_hwmon_chip_names", "Annotation metric for human-readable chip names", 1.0,
                        "chip", chip, "chip_name", name);
            }
        });
    }

    private static void cpus(Gauges g, CpuStatus cpu) {
        for (CpuStatus.Cpu c : cpu.cpus()) {
            String id = Integer.toString(c.id());
            g.add("node_cpu_scaling_frequency_hertz", "Current scaled CPU thread frequency in hertz.", hertz(c.curMhz()),
                    "cpu", id);
            g.add("node_cpu_scaling_frequency_min_hertz", "Minimum scaled CPU thread frequency in hertz.",
                    hertz(c.minMhz()), "cpu", id);
            g.add("node_cpu_scaling_frequency_max_hertz", "Maximum scaled CPU thread frequency in hertz.",
                    hertz(c.maxMhz()), "cpu", id);
        }
        if (cpu.load() != null) {
            g.add("node_load1", "1m load average.", cpu.load().load1());
            g.add("node_load5", "5m load average.", cpu.load().load5());
            g.add("node_load15", "15m load average.", cpu.load().load15());
        }
    }

    private static void memory(Gauges g, MemoryStatus m) {
        if (m == null) {
            return;
        }
        g.add("node_memory_MemTotal_bytes", "Memory information field MemTotal_bytes.", bytes(m.totalBytes()));
        g.add("node_memory_MemAvailable_bytes", "Memory information field MemAvailable_bytes.",
                bytes(m.availableBytes()));
        g.add("node_memory_MemFree_bytes", "Memory information field MemFree_bytes.", bytes(m.freeBytes()));
        g.add("node_memory_SwapTotal_bytes", "Memory information field SwapTotal_bytes.", bytes(m.swapTotalBytes()));
        g.add("node_memory_SwapFree_bytes", "Memory information field SwapFree_bytes.", bytes(m.swapFreeBytes()));
    }

    /** The K3 view: detection, which cpus are fenced AI cores (A100) and which general (X100), fence, TCM. */
    private static void k3(Gauges g, K3Status k3) {
        g.add("k3mcp_k3_detected", "1 when the board is a SpacemiT K3.", k3.detected() ? 1.0 : 0.0);
        if (!k3.detected()) {
            return;
        }
        for (Integer cpu : k3.generalCpus()) {
            g.add("k3mcp_cpu_core_kind", "Core placement: 1 for each cpu with its kind (ai: fenced A100, general: X100).",
                    1.0, "cpu", cpu.toString(), "kind", "general");
        }
        for (Integer cpu : k3.aiCpus()) {
            g.add("k3mcp_cpu_core_kind", "Core placement: 1 for each cpu with its kind (ai: fenced A100, general: X100).",
                    1.0, "cpu", cpu.toString(), "kind", "ai");
        }
        g.add("k3mcp_ai_cores", "Fenced AI cores (A100) on the board.", (double) k3.aiCpus().size());
        if (k3.aiFence() != null && k3.aiFence().present()) {
            g.add("k3mcp_ai_fence_writable", "1 when this process may register threads in /proc/set_ai_thread.",
                    k3.aiFence().writable() ? 1.0 : 0.0);
        }
        g.add("k3mcp_tcm_present", "1 when the TCM scratchpad device /dev/tcm exists.", k3.tcm() ? 1.0 : 0.0);
    }

    /**
     * node_exporter's chip label comes from where the chip sits in /sys/devices ("platform_coretemp_0"):
     * here the first and last parts of that path, in label-safe characters; the hwmonN name when unknown.
     */
    static String chipLabel(String hwmon, String device) {
        if (device == null || !device.startsWith("/sys/devices/")) {
            return hwmon;
        }
        String[] parts = device.substring("/sys/devices/".length()).split("/");
        String label = parts.length == 1 ? parts[0] : parts[0] + "_" + parts[parts.length - 1];
        return label.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    private static Double hertz(Double mhz) {
        return mhz == null ? null : mhz * 1e6;
    }

    private static Double bytes(Long value) {
        return value == null ? null : value.doubleValue();
    }
}
