package io.k3mcp.board;

import java.util.List;

/**
 * Processors: architecture, which cpus exist and run, their clusters and per-cpu frequencies.
 * {@code clusterSource} says how clusters were formed: "topology" (cluster_id) or "model+frequency".
 */
public record CpuStatus(
        String architecture,
        String present,
        String online,
        int countPresent,
        int countOnline,
        String clusterSource,
        List<Cluster> clusters,
        List<Cpu> cpus,
        LoadAverage load) {

    /** A group of like cores; {@code kind} is "ai" for fenced AI cores (K3 A100), else "general". */
    public record Cluster(
            int id,
            Integer packageId,
            String kind,
            String cpuList,
            List<Integer> cpus,
            String modelName,
            String isa,
            Integer vlenBits,
            Double minMhz,
            Double maxMhz,
            Double curMhz,
            String governor,
            String driver) {
    }

    /** One logical cpu; frequencies come from cpufreq (kHz in sysfs, MHz here). */
    public record Cpu(
            int id,
            boolean online,
            Integer packageId,
            Integer clusterId,
            Integer coreId,
            String modelName,
            String isa,
            Double curMhz,
            Double minMhz,
            Double maxMhz,
            String governor,
            String driver) {
    }

    /** /proc/loadavg: run-queue averages, runnable and total scheduling entities. */
    public record LoadAverage(double load1, double load5, double load15, Integer runnable, Integer threads) {
    }
}
