package io.k3mcp.board;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Groups cpus into clusters: by topology (package_id, cluster_id) where the kernel describes real
 * core clusters, else by (package, core model, frequency range). On x86 cluster_id is the L2-cache
 * id (one per core on most parts), so there the model+frequency grouping is the meaningful one.
 */
record CpuClusters(String source, List<CpuStatus.Cluster> clusters) {

    static CpuClusters of(String arch, List<CpuStatus.Cpu> cpus, CpuInfoFile cpuinfo) {
        boolean x86 = arch != null && (arch.equals("x86_64") || arch.matches("i\\d86"));
        boolean topology = !x86 && !cpus.isEmpty() && cpus.stream()
                .filter(CpuStatus.Cpu::online).allMatch(c -> c.clusterId() != null && c.clusterId() >= 0);
        Map<List<Object>, List<CpuStatus.Cpu>> groups = new LinkedHashMap<>();
        List<CpuStatus.Cpu> sorted = new ArrayList<>(cpus);
        if (topology) {
            sorted.sort((a, b) -> {
                int byPackage = Integer.compare(orZero(a.packageId()), orZero(b.packageId()));
                return byPackage != 0 ? byPackage : Integer.compare(orZero(a.clusterId()), orZero(b.clusterId()));
            });
        }
        for (CpuStatus.Cpu cpu : sorted) {
            if (topology && cpu.clusterId() == null) {
                continue; // offline cpus have no topology directory
            }
            List<Object> key = topology
                    ? java.util.Arrays.asList(cpu.packageId(), cpu.clusterId())
                    : java.util.Arrays.asList(cpu.packageId(), cpu.modelName(), cpu.minMhz(), cpu.maxMhz());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(cpu);
        }
        List<CpuStatus.Cluster> clusters = new ArrayList<>();
        int index = 0;
        for (List<CpuStatus.Cpu> members : groups.values()) {
            CpuStatus.Cpu first = members.get(0);
            int id = topology ? first.clusterId() : index;
            clusters.add(cluster(id, members, cpuinfo));
            index++;
        }
        return new CpuClusters(topology ? "topology" : "model+frequency", clusters);
    }

    private static CpuStatus.Cluster cluster(int id, List<CpuStatus.Cpu> members, CpuInfoFile cpuinfo) {
        List<Integer> ids = members.stream().map(CpuStatus.Cpu::id).sorted().toList();
        String model = common(members.stream().map(CpuStatus.Cpu::modelName).toList());
        OptionalDouble cur = members.stream().filter(c -> c.curMhz() != null).mapToDouble(CpuStatus.Cpu::curMhz)
                .average();
        Double min = members.stream().map(CpuStatus.Cpu::minMhz).filter(Objects::nonNull).min(Double::compare)
                .orElse(null);
        Double max = members.stream().map(CpuStatus.Cpu::maxMhz).filter(Objects::nonNull).max(Double::compare)
                .orElse(null);
        return new CpuStatus.Cluster(id, members.get(0).packageId(), K3Rules.isAiCoreModel(model) ? "ai" : "general",
                CpuList.format(ids), ids, model,
                common(members.stream().map(CpuStatus.Cpu::isa).toList()),
                cpuinfo.vlenBits(ids.get(0)),
                min, max, cur.isPresent() ? Math.round(cur.getAsDouble() * 10) / 10.0 : null,
                common(members.stream().map(CpuStatus.Cpu::governor).toList()),
                common(members.stream().map(CpuStatus.Cpu::driver).toList()));
    }

    /** The value all members share (ignoring unknowns), "mixed" when they differ, null when none know. */
    private static String common(List<String> values) {
        List<String> known = values.stream().filter(Objects::nonNull).distinct().toList();
        return known.isEmpty() ? null : known.size() == 1 ? known.get(0) : "mixed";
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
