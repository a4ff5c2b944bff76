package io.k3mcp.board;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The K3 section: detection, general/AI core lists from the clusters, the AI-core fence, the TCM. */
final class K3Probe {
    static final String FENCE = "/proc/set_ai_thread";
    private final SysTree tree;

    K3Probe(SysTree tree) {
        this.tree = tree;
    }

    K3Status read(String detectedBy, CpuStatus cpu, boolean tcmPresent) {
        Path fence = tree.path(FENCE);
        boolean fencePresent = Files.exists(fence);
        K3Status.AiFence aiFence = new K3Status.AiFence(FENCE, fencePresent,
                fencePresent && Files.isWritable(fence));
        boolean detected = detectedBy != null;
        List<Integer> general = new ArrayList<>();
        List<Integer> ai = new ArrayList<>();
        if (detected) {
            for (CpuStatus.Cluster cluster : cpu.clusters()) {
                ("ai".equals(cluster.kind()) ? ai : general).addAll(cluster.cpus());
            }
            general.sort(Integer::compare);
            ai.sort(Integer::compare);
        }
        return new K3Status(detected, detectedBy, general, ai, aiFence, tcmPresent,
                detected ? "unknown" : "absent", null);
    }
}
