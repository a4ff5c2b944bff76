package io.k3mcp.board;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All probes over one root directory ("/" live, a fixture tree in tests), in the manner of
 * node_exporter's --path.sysfs/--path.procfs: every file is read below {@code root}.
 */
public final class BoardProbe {
    /** Longest a single file read may take before it is abandoned and reported. */
    public static final Duration DEFAULT_READ_LIMIT = Duration.ofSeconds(2);

    private final SysTree tree;
    private final CpuProbe cpu;
    private final ThermalProbe thermal;
    private final FanProbe fans;
    private final HwmonChips hwmon;

    public BoardProbe(Path root) {
        this(root, DEFAULT_READ_LIMIT);
    }

    public BoardProbe(Path root, Duration readLimit) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("board root is not a directory: " + root);
        }
        this.tree = new SysTree(root, readLimit, new Warnings());
        this.cpu = new CpuProbe(tree);
        this.thermal = new ThermalProbe(tree);
        this.hwmon = new HwmonChips(tree);
        this.fans = new FanProbe(tree, hwmon);
    }

    public Path root() {
        return tree.root();
    }

    /** Warnings gathered by every read so far. */
    public List<String> warnings() {
        return tree.warnings().list();
    }

    /** One full reading of every area. */
    public BoardStatus snapshot() {
        CpuInfoFile cpuinfo = new CpuInfoFile(tree.table(tree.path("/proc/cpuinfo")));
        CpuStatus cpuStatus = cpu.read(cpuinfo);
        BoardInfoProbe boardInfo = new BoardInfoProbe(tree);
        List<String> models = new ArrayList<>();
        cpuStatus.cpus().forEach(c -> models.add(c.modelName()));
        String k3By = K3Rules.detect(boardInfo.compatible(), boardInfo.deviceTreeModel(), models);
        Accelerators accelerators = new Accelerators(new GpuProbe(tree).read(), new NpuProbe(tree).read(),
                new VideoProbe(tree).read(), tcm());
        return new BoardStatus(
                boardInfo.read(k3By == null ? null : K3Rules.SOC_NAME),
                cpuStatus,
                new MemoryProbe(tree).read(),
                thermal.read(),
                fans.read(),
                new PowerProbe(tree, hwmon).read(),
                accelerators,
                new StorageProbe(tree).read(),
                new KernelProbe(tree).read(),
                new K3Probe(tree).read(k3By, cpuStatus, accelerators.tcm().present()),
                warnings(), null, null);
    }

    /** Every hwmon temperature input (node_exporter's node_hwmon_temp_celsius); not part of the snapshot. */
    public List<HwmonTemperature> hwmonTemperatures() {
        return new HwmonTemperatureProbe(tree, hwmon).read();
    }

    /** Where each hwmon chip sits under /sys/devices, by hwmonN (null when the tree does not say). */
    public Map<String, String> hwmonDevices() {
        Map<String, String> devices = new LinkedHashMap<>();
        hwmon.chips().forEach(chip -> devices.put(chip.hwmon(), chip.device()));
        return devices;
    }

    /** The moving quantities only: temperatures, cpu frequencies, fan speeds. */
    public Sample sample(int index, long tMs) {
        return new Sample(index, tMs, thermal.temperatures(), cpu.currentMhz(), fans.rpms());
    }

    CpuTimes cpuTimes() {
        return CpuTimes.read(tree);
    }

    private Accelerators.Tcm tcm() {
        String path = "/dev/tcm";
        return new Accelerators.Tcm(tree.exists(tree.path(path)), path);
    }
}
