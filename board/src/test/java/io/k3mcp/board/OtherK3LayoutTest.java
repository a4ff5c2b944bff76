package io.k3mcp.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A K3 tree with other values than the fixture: no device tree, only 4 cpus online, AI cores at other
 * ids. Everything reported must come from this tree, nothing from what a K3 usually looks like.
 */
class OtherK3LayoutTest {
    @TempDir
    Path root;

    @Test
    void detectionByCoreNamesAndCoreListsFromTheTree() {
        TreeBuilder tree = new TreeBuilder(root)
                .file("/sys/devices/system/cpu/present", "0-3\n")
                .file("/sys/devices/system/cpu/online", "0-3\n");
        StringBuilder cpuinfo = new StringBuilder();
        for (int cpu = 0; cpu < 4; cpu++) {
            String model = cpu < 2 ? "Spacemit(R) A100" : "Spacemit(R) X100";
            cpuinfo.append("processor\t: ").append(cpu).append("\nmodel name\t: ").append(model)
                    .append("\nisa\t\t: rv64gcv\n\n");
            tree.file("/sys/devices/system/cpu/cpu" + cpu + "/topology/cluster_id", (cpu < 2 ? 5 : 7) + "\n")
                    .file("/sys/devices/system/cpu/cpu" + cpu + "/topology/physical_package_id", "0\n")
                    .file("/sys/devices/system/cpu/cpu" + cpu + "/cpufreq/cpuinfo_max_freq", "1800000\n");
        }
        tree.file("/proc/cpuinfo", cpuinfo.toString());
        BoardStatus status = new BoardProbe(root).snapshot();
        K3Status k3 = status.k3();
        assertTrue(k3.detected());
        assertEquals("cpu model name Spacemit(R) A100", k3.detectedBy());
        assertEquals(List.of(0, 1), k3.aiCpus());
        assertEquals(List.of(2, 3), k3.generalCpus());
        assertFalse(k3.aiFence().present());
        assertFalse(k3.tcm());
        assertEquals("SpacemiT K3", status.board().soc());
        assertEquals(List.of(5, 7), status.cpu().clusters().stream().map(CpuStatus.Cluster::id).toList());
        assertEquals(1800.0, status.cpu().clusters().get(0).maxMhz());
    }
}
