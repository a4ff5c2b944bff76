package io.k3mcp.board;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /sys/devices/system/cpu (topology, cpufreq), /proc/cpuinfo and /proc/loadavg. */
final class CpuProbe {
    private final SysTree tree;
    private final Path cpuDir;

    CpuProbe(SysTree tree) {
        this.tree = tree;
        this.cpuDir = tree.path("/sys/devices/system/cpu");
    }

    CpuStatus read(CpuInfoFile cpuinfo) {
        List<Integer> present = cpus("present");
        List<Integer> online = cpus("online");
        if (present.isEmpty()) {
            present = numberedCpuDirs();
        }
        if (online.isEmpty() && !tree.exists(cpuDir.resolve("online"))) {
            online = present; // kernels without hotplug have no online file: all present cpus run
        }
        List<CpuStatus.Cpu> cpus = new ArrayList<>();
        for (int id : present) {
            cpus.add(cpu(id, online.contains(id), cpuinfo));
        }
        String arch = tree.text(tree.path("/proc/sys/kernel/arch"));
        if (arch == null) {
            arch = cpuinfo.architecture();
        }
        CpuClusters clusters = CpuClusters.of(arch, cpus, cpuinfo);
        return new CpuStatus(arch, CpuList.format(present), CpuList.format(online), present.size(), online.size(),
                clusters.source(), clusters.clusters(), cpus, load());
    }

    /** Current frequency of every online cpu, keyed "cpuN" (for sampling). */
    Map<String, Double> currentMhz() {
        Map<String, Double> mhz = new LinkedHashMap<>();
        CpuInfoFile cpuinfo = null;
        List<Integer> online = cpus("online");
        for (int id : online.isEmpty() ? numberedCpuDirs() : online) {
            Path freq = cpuDir.resolve("cpu" + id + "/cpufreq");
            if (cpuinfo == null && !tree.exists(freq)) {
                cpuinfo = new CpuInfoFile(tree.table(tree.path("/proc/cpuinfo")));
            }
            Double cur = curMhz(freq, cpuinfo, id);
            if (cur != null) {
                mhz.put("cpu" + id, cur);
            }
        }
        return mhz;
    }

    private CpuStatus.Cpu cpu(int id, boolean online, CpuInfoFile cpuinfo) {
        Path dir = cpuDir.resolve("cpu" + id);
        Path topology = dir.resolve("topology");
        Path freq = dir.resolve("cpufreq");
        return new CpuStatus.Cpu(id, online,
                integer(topology.resolve("physical_package_id")),
                integer(topology.resolve("cluster_id")),
                integer(topology.resolve("core_id")),
                cpuinfo.modelName(id), cpuinfo.isa(id),
                online ? curMhz(freq, cpuinfo, id) : null,
                mhz(freq.resolve("cpuinfo_min_freq")),
                mhz(freq.resolve("cpuinfo_max_freq")),
                tree.text(freq.resolve("scaling_governor")),
                tree.text(freq.resolve("scaling_driver")));
    }

    /** cpufreq's current frequency; without cpufreq (VMs, some x86) the "cpu MHz" cpuinfo reports. */
    private Double curMhz(Path freq, CpuInfoFile cpuinfo, int id) {
        if (tree.exists(freq)) {
            Double cur = mhz(freq.resolve("scaling_cur_freq"));
            return cur != null ? cur : mhz(freq.resolve("cpuinfo_cur_freq"));
        }
        return cpuinfo == null ? null : cpuinfo.mhz(id);
    }

    /** cpufreq files hold kHz. */
    private Double mhz(Path file) {
        Long khz = tree.number(file);
        return khz == null ? null : khz / 1000.0;
    }

    private Integer integer(Path file) {
        Long value = tree.number(file);
        return value == null ? null : Math.toIntExact(value);
    }

    private List<Integer> cpus(String listFile) {
        Path file = cpuDir.resolve(listFile);
        String text = tree.text(file);
        try {
            return CpuList.parse(text);
        } catch (IllegalArgumentException e) {
            tree.warnings().add(tree.display(file), e.getMessage());
            return List.of();
        }
    }

    private List<Integer> numberedCpuDirs() {
        List<Integer> ids = new ArrayList<>();
        for (Path dir : tree.list(cpuDir, "cpu")) {
            String suffix = dir.getFileName().toString().substring(3);
            if (suffix.matches("\\d+")) {
                ids.add(Integer.parseInt(suffix));
            }
        }
        return ids;
    }

    private CpuStatus.LoadAverage load() {
        String text = tree.text(tree.path("/proc/loadavg"));
        if (text == null) {
            return null;
        }
        String[] fields = text.split("\\s+");
        try {
            String[] tasks = fields.length > 3 ? fields[3].split("/") : new String[0];
            return new CpuStatus.LoadAverage(Double.parseDouble(fields[0]), Double.parseDouble(fields[1]),
                    Double.parseDouble(fields[2]),
                    tasks.length == 2 ? Integer.valueOf(tasks[0]) : null,
                    tasks.length == 2 ? Integer.valueOf(tasks[1]) : null);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            tree.warnings().add("/proc/loadavg", "unexpected format: \"" + text + "\"");
            return null;
        }
    }
}
