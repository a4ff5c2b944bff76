package io.k3mcp.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The probes on the machine running the tests. Values are whatever it has, so each list is checked
 * against a direct read of the same directory, and each entry against the files it was read from.
 */
class LiveBoardTest {
    private static final Set<String> POWER_KINDS = Set.of("voltage", "current", "power", "energy");

    @Test
    void probesTheLiveSystemWithoutFailing() throws Exception {
        BoardProbe probe = new BoardProbe(Path.of("/"));
        BoardStatus status = new BoardSampler(probe, millis -> { }, () -> 0).run(2, 0, (d, t) -> { });
        assertNotNull(status.cpu().architecture());
        assertTrue(status.cpu().countOnline() >= 1);
        assertTrue(status.cpu().countPresent() >= status.cpu().countOnline());
        assertTrue(!status.cpu().clusters().isEmpty());
        status.cpu().clusters().forEach(c -> assertTrue(c.kind().equals("general") || c.kind().equals("ai")));
        assertTrue(status.memory().totalBytes() > 0);
        if (status.memory().availableBytes() != null) { // MemAvailable exists since Linux 3.14
            assertTrue(status.memory().availableBytes() <= status.memory().totalBytes());
        }
        assertNotNull(status.kernel().release());
        assertEquals(2, status.samples().size());
        assertNotNull(status.summary(), "two samples carry a summary");
        status.warnings().forEach(w -> assertTrue(w.matches("/.*: .+"), "a warning names its file: " + w));
    }

    @Test
    void thermalZonesAreTheZonesSysfsLists() throws Exception {
        List<ThermalZone> zones = new BoardProbe(Path.of("/")).snapshot().thermal();
        assertEquals(names("/sys/class/thermal", n -> n.startsWith("thermal_zone")),
                zones.stream().map(ThermalZone::zone).collect(Collectors.toCollection(TreeSet::new)));
        for (ThermalZone zone : zones) {
            Path dir = Path.of("/sys/class/thermal", zone.zone());
            assertEquals(names(dir.toString(), n -> n.matches("trip_point_\\d+_type")).size(), zone.trips().size(),
                    zone.zone());
            assertEquals(names(dir.toString(), n -> n.matches("cdev\\d+")).size(), zone.cooling().size(), zone.zone());
        }
    }

    @Test
    void storageIsTheDisksSysfsListsBesidesRamBackedOnes() throws Exception {
        List<BlockDevice> disks = new BoardProbe(Path.of("/")).snapshot().storage();
        assertEquals(names("/sys/block", n -> !n.startsWith("loop") && !n.startsWith("ram") && !n.startsWith("zram")),
                disks.stream().map(BlockDevice::name).collect(Collectors.toCollection(TreeSet::new)));
        for (BlockDevice disk : disks) {
            for (BlockDevice.Partition part : disk.partitions()) {
                assertTrue(Files.exists(Path.of("/sys/block", disk.name(), part.name(), "partition")), part.name());
            }
            for (BlockDevice.Mount mount : disk.mounts()) {
                assertTrue(mount.source().startsWith("/dev/"), mount.toString());
                assertNotNull(mount.mountpoint(), mount.toString());
                assertNotNull(mount.fstype(), mount.toString());
            }
        }
    }

    @Test
    void hwmonEntriesNameFilesThatExist() {
        BoardStatus status = new BoardProbe(Path.of("/")).snapshot();
        for (FanChannel fan : status.fans()) {
            Path chip = Path.of("/sys/class/hwmon", fan.hwmon());
            assertTrue(Files.exists(chip.resolve("fan" + fan.channel() + "_input"))
                    || Files.exists(chip.resolve("pwm" + fan.channel())), fan.toString());
        }
        for (PowerSensor sensor : status.power()) {
            Path chip = Path.of("/sys/class/hwmon", sensor.hwmon());
            assertTrue(POWER_KINDS.contains(sensor.kind()), sensor.toString());
            assertTrue(Files.exists(chip.resolve(sensor.sensor() + "_input"))
                    || Files.exists(chip.resolve(sensor.sensor() + "_average")), sensor.toString());
        }
    }

    @Test
    void tcmAndAiFenceReportWhetherTheirFilesExist() {
        BoardStatus status = new BoardProbe(Path.of("/")).snapshot();
        assertEquals(new Accelerators.Tcm(Files.exists(Path.of("/dev/tcm")), "/dev/tcm"), status.accelerators().tcm());
        K3Status.AiFence fence = status.k3().aiFence();
        assertEquals(K3Probe.FENCE, fence.path());
        assertEquals(Files.exists(Path.of(K3Probe.FENCE)), fence.present());
    }

    /** Names in a directory that pass the filter; empty when it does not exist. */
    private static Set<String> names(String dir, Predicate<String> filter) throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(dir))) {
            return entries.map(p -> p.getFileName().toString()).filter(filter)
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (NoSuchFileException e) {
            return new TreeSet<>(); // the machine has no such directory: the probe must list nothing either
        }
    }
}
