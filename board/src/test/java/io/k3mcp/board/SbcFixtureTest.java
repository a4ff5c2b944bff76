package io.k3mcp.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** An aarch64 single-board computer laid out like a Raspberry Pi 5. */
class SbcFixtureTest {
    private final BoardStatus status = Fixtures.snapshot("aarch64-sbc");

    @Test
    void identityAndSocFromTheDeviceTree() {
        assertEquals("Raspberry Pi 5 Model B Rev 1.0", status.board().model());
        assertEquals("brcm,bcm2712", status.board().soc());
        assertEquals("Debian GNU/Linux 12 (bookworm)", status.board().os());
    }

    @Test
    void armCoresNamedFromImplementerAndPart() {
        CpuStatus cpu = status.cpu();
        assertEquals("aarch64", cpu.architecture());
        assertEquals(1, cpu.clusters().size());
        CpuStatus.Cluster cluster = cpu.clusters().get(0);
        assertEquals("Cortex-A76", cluster.modelName());
        assertEquals(128, cluster.vlenBits());
        assertEquals(1500.0, cluster.minMhz());
        assertEquals(2400.0, cluster.maxMhz());
        assertEquals("ondemand", cluster.governor());
        assertEquals(new CpuStatus.LoadAverage(0.08, 0.03, 0.01, 1, 187), cpu.load());
    }

    @Test
    void fanBoundToFourActiveTrips() {
        ThermalZone zone = status.thermal().get(0);
        assertEquals("cpu-thermal", zone.type());
        assertEquals(52.15, zone.tempC());
        assertEquals(5, zone.trips().size());
        assertEquals(List.of(1, 2, 3, 4), zone.cooling().stream().map(ThermalZone.Cooling::tripPoint).toList());
        assertEquals(List.of(new FanChannel("pwmfan", "hwmon1", "/sys/devices/platform/cooling_fan", 1, null, 2856L,
                null, 75, 29.4, 1, "manual")), status.fans());
        assertTrue(status.power().isEmpty());
    }

    @Test
    void gpuVideoAndSdCard() {
        Accelerators acc = status.accelerators();
        assertEquals("v3d", acc.gpus().get(0).driver());
        assertEquals(List.of("brcm,2712-v3d"), acc.gpus().get(0).compatible());
        assertEquals(List.of(new Accelerators.Video("video19", "rpi-hevc-dec", "rpi-hevc-dec",
                List.of("/dev/video19"))), acc.video());
        assertTrue(acc.npus().isEmpty());
        BlockDevice sd = status.storage().get(0);
        assertEquals("mmcblk0", sd.name());
        assertEquals("SD64G", sd.model());
        assertEquals("mmc", sd.transport());
        assertEquals(List.of(new BlockDevice.Mount("/dev/mmcblk0p2", "/", "ext4"),
                new BlockDevice.Mount("/dev/mmcblk0p1", "/boot/firmware", "vfat")), sd.mounts());
    }

    @Test
    void noK3AndNoFlagsOfInterest() {
        assertFalse(status.k3().detected());
        assertTrue(status.kernel().flags().isEmpty());
        assertEquals(8245424L * 1024, status.memory().totalBytes());
        assertEquals(List.of(), status.warnings());
    }
}
