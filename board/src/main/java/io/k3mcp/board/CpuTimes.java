package io.k3mcp.board;

import java.util.LinkedHashMap;
import java.util.Map;

/** Per-cpu jiffy counters from /proc/stat, to turn two readings into a busy percentage. */
record CpuTimes(Map<String, long[]> busyAndTotal) {

    static CpuTimes read(SysTree tree) {
        String text = tree.table(tree.path("/proc/stat"));
        Map<String, long[]> times = new LinkedHashMap<>();
        if (text == null) {
            return new CpuTimes(times);
        }
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (!f[0].matches("cpu\\d+") || f.length < 5) {
                continue;
            }
            long total = 0;
            long idle = 0;
            try {
                // user nice system idle iowait irq softirq steal (guest time is already in user)
                for (int i = 1; i < Math.min(f.length, 9); i++) {
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i == 4 || i == 5) {
                        idle += v;
                    }
                }
            } catch (NumberFormatException e) {
                tree.warnings().add("/proc/stat", "not a number in line \"" + line.trim() + "\"");
                continue;
            }
            times.put(f[0], new long[] {total - idle, total});
        }
        return new CpuTimes(times);
    }

    /** Busy percent per cpu between {@code earlier} and this reading; null when there is nothing to compare. */
    Map<String, Double> busyPercentSince(CpuTimes earlier) {
        if (busyAndTotal.isEmpty()) {
            return null;
        }
        Map<String, Double> busy = new LinkedHashMap<>();
        busyAndTotal.forEach((cpu, now) -> {
            long[] before = earlier.busyAndTotal().get(cpu);
            if (before != null && now[1] > before[1]) {
                busy.put(cpu, Math.round((now[0] - before[0]) * 1000.0 / (now[1] - before[1])) / 10.0);
            }
        });
        return busy;
    }
}
