package io.k3mcp.tools.board;

import io.k3mcp.board.Accelerators;
import io.k3mcp.board.BlockDevice;
import io.k3mcp.board.BoardStatus;
import io.k3mcp.board.CpuStatus;
import io.k3mcp.board.FanChannel;
import io.k3mcp.board.MemoryStatus;
import io.k3mcp.board.PowerSensor;
import io.k3mcp.board.SampleSummary;
import io.k3mcp.board.ThermalZone;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Text renderings of a board status: a one-paragraph summary for agents, a report for people. */
public final class BoardText {
    private BoardText() {
    }

    /** A few lines: identity, clusters, memory, hottest zone, fans, warnings. */
    public static String summary(BoardStatus s) {
        List<String> parts = new ArrayList<>();
        parts.add(orUnknown(s.board().model()) + (s.board().soc() == null ? "" : " (" + s.board().soc() + ")")
                + ", " + orUnknown(s.cpu().architecture()) + ", " + s.cpu().countOnline() + "/"
                + s.cpu().countPresent() + " cpus online");
        for (CpuStatus.Cluster c : s.cpu().clusters()) {
            parts.add("cluster " + c.id() + " [" + c.kind() + "] cpus " + c.cpuList() + " " + orUnknown(c.modelName())
                    + (c.curMhz() == null ? "" : " at " + fmt(c.curMhz()) + " MHz"));
        }
        if (s.memory() != null && s.memory().totalBytes() != null) {
            parts.add("memory " + gib(s.memory().availableBytes()) + " of " + gib(s.memory().totalBytes())
                    + " GiB available");
        }
        s.thermal().stream().filter(z -> z.tempC() != null).max(Comparator.comparing(ThermalZone::tempC))
                .ifPresent(z -> parts.add("hottest " + z.type() + " " + fmt(z.tempC()) + " C"));
        for (FanChannel f : s.fans()) {
            parts.add(fan(f));
        }
        if (s.k3().detected()) {
            parts.add("K3: AI cores " + s.k3().aiCpus() + ", fence " + (s.k3().aiFence().present()
                    ? (s.k3().aiFence().writable() ? "writable" : "present, not writable") : "absent")
                    + ", TCM " + (s.k3().tcm() ? "present" : "absent") + ", IME " + s.k3().ime());
        }
        SampleSummary summary = s.summary();
        if (summary != null) {
            parts.add(summary.samples() + " samples every " + summary.intervalMs() + " ms: " + ranges(summary));
        }
        parts.add(s.warnings().isEmpty() ? "no warnings" : s.warnings().size() + " warnings: " + s.warnings());
        return String.join("\n", parts);
    }

    /** The full report printed by {@code k3mcp board} without --json. */
    public static String report(BoardStatus s) {
        StringBuilder out = new StringBuilder();
        line(out, "board", orUnknown(s.board().model()) + " | soc " + orUnknown(s.board().soc()) + " | "
                + orUnknown(s.board().os()) + " | kernel " + orUnknown(s.kernel().release()));
        if (!s.kernel().flags().isEmpty()) {
            line(out, "flags", s.kernel().flags().toString());
        }
        line(out, "cpu", orUnknown(s.cpu().architecture()) + ", present " + s.cpu().present() + ", online "
                + s.cpu().online() + (s.cpu().load() == null ? "" : ", load " + s.cpu().load().load1() + " "
                + s.cpu().load().load5() + " " + s.cpu().load().load15()));
        for (CpuStatus.Cluster c : s.cpu().clusters()) {
            line(out, "  cluster " + c.id(), c.kind() + " cpus " + c.cpuList() + " " + orUnknown(c.modelName())
                    + " " + mhz(c.minMhz()) + "-" + mhz(c.maxMhz()) + " MHz, now " + mhz(c.curMhz())
                    + (c.governor() == null ? "" : ", " + c.governor()));
        }
        MemoryStatus m = s.memory();
        if (m != null) {
            line(out, "memory", gib(m.availableBytes()) + " of " + gib(m.totalBytes()) + " GiB available, swap "
                    + gib(m.swapTotalBytes()) + " GiB, hugepages " + m.hugepagesTotal());
        }
        for (ThermalZone z : s.thermal()) {
            line(out, "thermal " + z.zone(), orUnknown(z.type()) + " " + (z.tempC() == null ? "?" : fmt(z.tempC()))
                    + " C, " + z.trips().size() + " trips" + (z.cooling().isEmpty() ? "" : ", cooled by "
                    + z.cooling().stream().map(c -> c.type() + " " + c.curState() + "/" + c.maxState()).toList()));
        }
        s.fans().forEach(f -> line(out, "fan", fan(f)));
        for (PowerSensor p : s.power()) {
            Double value = Objects.requireNonNullElse(p.volts(), Objects.requireNonNullElse(p.amps(),
                    Objects.requireNonNullElse(p.watts(), p.joules())));
            line(out, "power", p.chip() + "/" + p.sensor() + (p.label() == null ? "" : " " + p.label()) + " "
                    + (value == null ? "?" : fmt(value)) + " " + unit(p.kind()));
        }
        Accelerators a = s.accelerators();
        a.gpus().forEach(g -> line(out, "gpu " + g.card(), orUnknown(g.driver()) + " " + g.devNodes()));
        a.npus().forEach(n -> line(out, "npu", n.node() + " " + n.compatible() + ": " + n.state()));
        a.video().forEach(v -> line(out, "video " + v.name(), orUnknown(v.driver()) + " " + v.devNodes()));
        line(out, "tcm", a.tcm().present() ? a.tcm().path() : "absent");
        for (BlockDevice d : s.storage()) {
            line(out, "disk " + d.name(), orUnknown(d.model()) + ", " + orUnknown(d.transport()) + ", "
                    + gib(d.sizeBytes()) + " GiB" + (d.mounts().isEmpty() ? "" : ", mounted at "
                    + d.mounts().stream().map(BlockDevice.Mount::mountpoint).toList()));
        }
        line(out, "k3", s.k3().detected() ? "detected (" + s.k3().detectedBy() + "), general cpus "
                + s.k3().generalCpus() + ", AI cpus " + s.k3().aiCpus() + ", fence " + s.k3().aiFence().present()
                + (s.k3().aiFence().writable() ? " (writable)" : "") + ", IME " + s.k3().ime() : "not detected");
        if (s.summary() != null) {
            line(out, "samples", s.summary().samples() + " every " + s.summary().intervalMs() + " ms: "
                    + ranges(s.summary()));
        }
        s.warnings().forEach(w -> line(out, "warning", w));
        return out.toString();
    }

    private static String ranges(SampleSummary summary) {
        List<String> parts = new ArrayList<>();
        summary.tempC().forEach(t -> parts.add(t.name() + " " + range(t) + " C"));
        summary.cpuMhz().forEach(t -> parts.add(t.name() + " " + range(t) + " MHz"));
        summary.fanRpm().forEach(t -> parts.add(t.name() + " " + range(t) + " rpm"));
        return String.join("; ", parts);
    }

    private static String range(SampleSummary.Stats t) {
        return "min " + fmt(t.min()) + " avg " + fmt(t.avg()) + " max " + fmt(t.max());
    }

    private static String fan(FanChannel f) {
        String name = orUnknown(f.chip()) + "/" + (f.rpm() != null ? "fan" : "pwm") + f.channel();
        List<String> bits = new ArrayList<>();
        if (f.rpm() != null) {
            bits.add(f.rpm() + " rpm" + (Boolean.TRUE.equals(f.fault()) ? " FAULT" : ""));
        }
        if (f.pwm() != null) {
            bits.add("pwm " + f.pwm() + " (" + fmt(f.pwmPercent()) + " %)" + (f.mode() == null ? "" : " " + f.mode()));
        }
        return name + " " + String.join(", ", bits);
    }

    private static void line(StringBuilder out, String label, String text) {
        out.append(String.format(Locale.ROOT, "%-18s %s%n", label, text));
    }

    private static String unit(String kind) {
        return switch (kind) {
            case "voltage" -> "V";
            case "current" -> "A";
            case "power" -> "W";
            default -> "J";
        };
    }

    private static String mhz(Double value) {
        return value == null ? "?" : fmt(value);
    }

    private static String gib(Long bytes) {
        return bytes == null ? "?" : String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024 * 1024));
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.2f", value)
                .replaceAll("0+$", "");
    }

    private static String orUnknown(String text) {
        return text == null ? "unknown" : text;
    }
}
