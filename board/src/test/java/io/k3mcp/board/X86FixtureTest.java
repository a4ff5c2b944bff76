package io.k3mcp.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A generic two-socket x86_64 server: DMI identity, no device tree, Super I/O fans, ACPI power meter. */
class X86FixtureTest {
    private final BoardStatus status = Fixtures.snapshot("x86-server");

    @Test
    void identityFromDmi() {
        assertEquals("PowerEdge R650", status.board().model());
        assertEquals("dmi", status.board().modelSource());
        assertEquals("Dell Inc.", status.board().vendor());
        assertNull(status.board().soc());
        assertEquals("Ubuntu 24.04.1 LTS", status.board().os());
    }

    @Test
    void architectureFromCpuinfoAndClustersByPackageAndModel() {
        CpuStatus cpu = status.cpu();
        assertEquals("x86_64", cpu.architecture(), "no /proc/sys/kernel/arch: inferred from cpuinfo flags");
        assertEquals("model+frequency", cpu.clusterSource());
        assertEquals(2, cpu.clusters().size());
        CpuStatus.Cluster first = cpu.clusters().get(0);
        assertEquals("0-3", first.cpuList());
        assertEquals(0, first.packageId());
        assertEquals("general", first.kind());
        assertEquals(512, first.vlenBits());
        assertEquals(800.0, first.minMhz());
        assertEquals(3400.0, first.maxMhz());
        assertEquals(2900.0, first.curMhz(), "mean of 2400, 2401, 3400, 3399");
        assertEquals("intel_pstate", first.driver());
        assertEquals("4-7", cpu.clusters().get(1).cpuList());
        assertEquals(1000.0, cpu.clusters().get(1).curMhz());
    }

    @Test
    void duplicateZoneTypesAreKeptApart() {
        assertEquals(List.of(48.0, 51.0), status.thermal().stream().map(ThermalZone::tempC).toList());
        Sample sample = new BoardProbe(Fixtures.tree("x86-server")).sample(0, 0);
        assertEquals(Map.of("thermal_zone0", 48.0, "thermal_zone1", 51.0), sample.tempC());
        assertEquals(Map.of("nct6779/fan1", 1205L, "nct6779/fan2", 0L), sample.fanRpm());
    }

    @Test
    void superIoFansAndPwmModes() {
        List<FanChannel> fans = status.fans();
        assertEquals(2, fans.size());
        assertEquals(new FanChannel("nct6779", "hwmon1", "/sys/devices/platform/nct6775.656", 1, null, 1205L, null,
                128, 50.2, 5, "automatic"), fans.get(0));
        assertEquals(new FanChannel("nct6779", "hwmon1", "/sys/devices/platform/nct6775.656", 2, null, 0L, true,
                255, 100.0, 0, "full-speed"), fans.get(1));
    }

    @Test
    void voltagesAndAveragePower() {
        assertEquals(List.of(
                new PowerSensor("nct6779", "hwmon1", "in0", "voltage", "Vcore", 1.048, null, null, null),
                new PowerSensor("nct6779", "hwmon1", "in1", "voltage", null, 12.096, null, null, null),
                new PowerSensor("power_meter", "hwmon2", "power1", "power", null, null, null, 215.5, null)),
                status.power());
    }

    @Test
    void pciGraphicsWithoutRenderNode() {
        Accelerators acc = status.accelerators();
        assertEquals(List.of(new Accelerators.Gpu("card0", "ast", "/sys/devices/pci0000:00/0000:00:1c.5/0000:03:00.0",
                List.of(), "0x1a03", "0x2000", List.of("/dev/dri/card0"))), acc.gpus());
        assertTrue(acc.npus().isEmpty());
        assertTrue(acc.video().isEmpty());
        assertFalse(acc.tcm().present());
    }

    @Test
    void nvmeAndSataDisksLoopSkipped() {
        List<BlockDevice> disks = status.storage();
        assertEquals(List.of("nvme0n1", "sda"), disks.stream().map(BlockDevice::name).toList());
        BlockDevice nvme = disks.get(0);
        assertEquals("nvme", nvme.transport());
        assertEquals("SAMSUNG MZQL2960HCJR-00A07", nvme.model());
        assertEquals(1875385008L * 512, nvme.sizeBytes());
        assertEquals(3, nvme.partitions().size());
        assertEquals(List.of(new BlockDevice.Mount("/dev/nvme0n1p2", "/boot", "ext4"),
                new BlockDevice.Mount("/dev/nvme0n1p1", "/boot/efi", "vfat")), nvme.mounts());
        BlockDevice sda = disks.get(1);
        assertEquals("sata", sda.transport());
        assertEquals("ATA", sda.vendor());
        assertEquals(List.of(new BlockDevice.Mount("/dev/sda1", "/srv/scratch space", "xfs")), sda.mounts());
    }

    @Test
    void memoryKernelAndNoK3() {
        assertEquals(131622340L * 1024, status.memory().totalBytes());
        assertEquals(1024L, status.memory().hugepagesTotal());
        assertEquals(Map.of("isolcpus", "6,7", "hugepages", "1024", "mitigations", "auto"), status.kernel().flags());
        assertEquals("6.8.0-45-generic", status.kernel().release());
        K3Status k3 = status.k3();
        assertFalse(k3.detected());
        assertTrue(k3.aiCpus().isEmpty());
        assertFalse(k3.aiFence().present());
        assertEquals("absent", k3.ime());
        assertEquals(List.of(), status.warnings());
    }
}
