package io.k3mcp.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The MilkV Jupiter 2 fixture (values from ../shared/docs/K3.md; see fixtures/README.md). */
class K3FixtureTest {
    private final BoardStatus status = Fixtures.snapshot("k3-jupiter2");

    @Test
    void boardIdentityComesFromTheDeviceTree() {
        BoardInfo board = status.board();
        assertEquals("SpacemiT K3 Pico ITX", board.model());
        assertEquals("device-tree", board.modelSource());
        assertEquals("SpacemiT K3", board.soc());
        assertEquals(List.of("spacemit,k3-pico-itx", "spacemit,k3"), board.compatible());
        assertEquals("Bianbu 4.0", board.os());
        assertEquals("jupiter2", board.hostname());
        assertEquals(5123.47, board.uptimeS());
    }

    @Test
    void sixteenCpusInFourClustersWithA100sFirst() {
        CpuStatus cpu = status.cpu();
        assertEquals("riscv64", cpu.architecture());
        assertEquals("0-15", cpu.present());
        assertEquals(16, cpu.countOnline());
        assertEquals("topology", cpu.clusterSource());
        List<CpuStatus.Cluster> clusters = cpu.clusters();
        assertEquals(4, clusters.size());
        assertCluster(clusters.get(0), 0, "ai", "8-11", "Spacemit(R) A100", 2000.0, 2000.0);
        assertCluster(clusters.get(1), 1, "ai", "12-15", "Spacemit(R) A100", 2000.0, 1228.8);
        assertCluster(clusters.get(2), 2, "general", "0-3", "Spacemit(R) X100", 2400.0, 2400.0);
        assertCluster(clusters.get(3), 3, "general", "4-7", "Spacemit(R) X100", 2400.0, 1600.0);
        for (CpuStatus.Cluster cluster : clusters) {
            assertEquals(614.4, cluster.minMhz());
            assertEquals("schedutil", cluster.governor());
            assertEquals("cpufreq-dt", cluster.driver());
            assertTrue(cluster.isa().startsWith("rv64imafdcv"), cluster.isa());
            assertNull(cluster.vlenBits(), "riscv cpuinfo does not state VLEN");
        }
        CpuStatus.Cpu cpu13 = cpu.cpus().get(13);
        assertEquals(1, cpu13.clusterId());
        assertEquals(1, cpu13.coreId());
        assertEquals(1228.8, cpu13.curMhz());
        assertEquals(new CpuStatus.LoadAverage(7.92, 5.31, 2.40, 9, 412), cpu.load());
    }

    private static void assertCluster(CpuStatus.Cluster cluster, int id, String kind, String cpus, String model,
            double maxMhz, double curMhz) {
        assertEquals(id, cluster.id());
        assertEquals(kind, cluster.kind());
        assertEquals(cpus, cluster.cpuList());
        assertEquals(model, cluster.modelName());
        assertEquals(maxMhz, cluster.maxMhz());
        assertEquals(curMhz, cluster.curMhz());
    }

    @Test
    void memoryIsInBytes() {
        MemoryStatus memory = status.memory();
        assertEquals(32350208L * 1024, memory.totalBytes());
        assertEquals(30601232L * 1024, memory.availableBytes());
        assertEquals(0L, memory.swapTotalBytes());
        assertEquals(2048L * 1024, memory.hugepageSizeBytes());
    }

    @Test
    void thermalZonesCarryLmSensorsNamesTripsAndTheFan() {
        List<ThermalZone> zones = status.thermal();
        assertEquals(List.of("thermal_cluster0", "thermal_cluster1", "thermal_cluster2", "thermal_cluster3",
                "thermal_gpu", "thermal_top", "thermal_vpu"), zones.stream().map(ThermalZone::type).toList());
        assertEquals(List.of(67.2, 66.8, 64.5, 65.1, 62.3, 63.7, 62.0),
                zones.stream().map(ThermalZone::tempC).toList());
        ThermalZone zone0 = zones.get(0);
        assertEquals(new ThermalZone.Trip(1, "active", 60.0, 5.0), zone0.trips().get(1));
        assertEquals(new ThermalZone.Trip(3, "critical", 115.0, 0.0), zone0.trips().get(3));
        assertEquals(List.of(new ThermalZone.Cooling("cooling_device0", "pwm-fan", 2L, 4L, 1, 0L)), zone0.cooling());
        assertTrue(zones.get(1).cooling().isEmpty());
    }

    @Test
    void fansFromPwmFanAndTheChromeOsEc() {
        assertEquals(List.of(
                new FanChannel("pwmfan", "hwmon7", "/sys/devices/platform/pwm-fan", 1, null, null, null, 153, 60.0,
                        1, "manual"),
                new FanChannel("cros_ec", "hwmon8",
                        "/sys/devices/platform/soc/cac8c000.espi/84000000.ec/cros-ec-dev.0.auto/cros-ec-hwmon.1.auto",
                        1, null, 3194L, false, null, null, null, null)), status.fans());
        assertTrue(status.power().isEmpty(), "the board has no power sensor");
    }

    @Test
    void acceleratorsIncludeTheDriverlessLinlonNode() {
        Accelerators acc = status.accelerators();
        assertEquals(List.of(new Accelerators.Npu("/soc/linlon-v5@c0500000", "linlon-v5",
                List.of("arm china,linlon-v5"), "okay", false, null, List.of(), "present, no driver")), acc.npus());
        Accelerators.Gpu gpu = acc.gpus().get(0);
        assertEquals("card0", gpu.card());
        assertEquals("pvrsrvkm", gpu.driver());
        assertEquals(List.of("/dev/dri/card0", "/dev/dri/renderD128"), gpu.devNodes());
        assertEquals(List.of(new Accelerators.Video("video0", "mvx", "mvx", List.of("/dev/video-dec0", "/dev/video0"))),
                acc.video());
        assertEquals(new Accelerators.Tcm(true, "/dev/tcm"), acc.tcm());
    }

    @Test
    void ufsDiskWithPartitionsAndMounts() {
        BlockDevice sda = status.storage().get(0);
        assertEquals(1, status.storage().size());
        assertEquals("sda", sda.name());
        assertEquals("TY7B-128", sda.model());
        assertEquals("ufs", sda.transport());
        assertEquals(249856000L * 512, sda.sizeBytes());
        assertFalse(sda.rotational());
        assertEquals(List.of(new BlockDevice.Partition("sda1", 524288L * 512),
                new BlockDevice.Partition("sda2", 249329664L * 512)), sda.partitions());
        assertEquals(List.of(new BlockDevice.Mount("/dev/sda2", "/", "ext4"),
                new BlockDevice.Mount("/dev/sda1", "/boot", "ext4")), sda.mounts());
    }

    @Test
    void kernelFlagsIncludeUnalignedAccessSpeeds() {
        assertEquals("6.18.3", status.kernel().release());
        assertEquals(Map.of("unaligned_scalar_speed", "fast", "unaligned_vector_speed", "fast"),
                status.kernel().flags());
    }

    @Test
    void k3SectionListsCoreKindsFenceAndTcm() {
        K3Status k3 = status.k3();
        assertTrue(k3.detected());
        assertEquals("device-tree compatible spacemit,k3-pico-itx", k3.detectedBy());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), k3.generalCpus());
        assertEquals(List.of(8, 9, 10, 11, 12, 13, 14, 15), k3.aiCpus());
        assertEquals(new K3Status.AiFence("/proc/set_ai_thread", true, true), k3.aiFence());
        assertTrue(k3.tcm());
        assertEquals("unknown", k3.ime());
        assertNull(k3.imeSelfTest());
        assertEquals("available", k3.withImeSelfTest("pass").ime());
        assertEquals("unavailable", k3.withImeSelfTest("wrong result at tile 3").ime());
        assertEquals(List.of(), status.warnings());
    }
}
